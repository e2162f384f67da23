package assets

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/valyala/fasthttp"
)

// writeTree creates files (slash-separated path → content) under dir.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// newSite writes files into a new temporary directory and serves it.
func newSite(t testing.TB, files map[string]string, opts Options) *Server {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	s, err := New(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// result is a response, read back.
type result struct {
	status int
	header map[string][]string // lowercased names
	body   string
	skip   bool // resp.SkipBody
}

func (r result) get(name string) string { return strings.Join(r.header[name], ", ") }

func (r result) has(name string) bool { _, ok := r.header[name]; return ok }

// do serves one request; hdr holds name, value pairs.
func do(s *Server, method, uri string, hdr ...string) result {
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.Header.SetMethod(method)
	req.SetRequestURI(uri)
	req.Header.SetHost("example.com:8080")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	s.Serve(req, resp)
	return readResponse(resp)
}

func readResponse(resp *fasthttp.Response) result {
	r := result{status: resp.StatusCode(), header: map[string][]string{}, skip: resp.SkipBody}
	for k, v := range resp.Header.All() {
		name := strings.ToLower(string(k))
		r.header[name] = append(r.header[name], string(v))
	}
	if cl := resp.Header.ContentLength(); cl >= 0 && !r.has("content-length") && (r.skip || resp.IsBodyStream()) {
		r.header["content-length"] = []string{string(fasthttp.AppendUint(nil, cl))}
	}
	r.body = string(resp.Body()) // reads and closes a body stream
	return r
}

// redirectRule is one entry of mapRedirects.
type redirectRule struct {
	status int
	to     string
}

// mapRedirects is a _redirects stand-in keyed by exact raw path. Like the
// real rules, for a redirect it builds the Location itself, keeping the
// request's query unless the target has its own.
type mapRedirects struct {
	rules map[string]redirectRule
	calls atomic.Int64
}

var _ Redirects = (*mapRedirects)(nil)

func (m *mapRedirects) Lookup(host, path, query string) (int, string, bool) {
	m.calls.Add(1)
	r, ok := m.rules[path]
	if !ok {
		r, ok = m.rules["https://"+host+path]
	}
	if !ok {
		return 0, "", false
	}
	if r.status == 200 || query == "" || strings.Contains(r.to, "?") {
		return r.status, r.to, true
	}
	return r.status, r.to + "?" + query, true
}

// headerRule is one entry of sliceHeaders: path is an exact raw path, or a
// prefix when it ends in '*'.
type headerRule struct {
	path  string
	unset []string
	set   [][2]string
}

// sliceHeaders is a _headers stand-in: every matching rule, in order.
type sliceHeaders []headerRule

var _ Headers = sliceHeaders(nil)

func (h sliceHeaders) Each(host, path string, fn func(unset []string, set [][2]string)) {
	for _, r := range h {
		if prefix, ok := strings.CutSuffix(r.path, "*"); ok && strings.HasPrefix(path, prefix) || r.path == path {
			fn(r.unset, r.set)
		}
	}
}
