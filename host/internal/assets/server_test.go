package assets

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestMethodNotAllowed(t *testing.T) {
	s := newSite(t, map[string]string{"index.html": "home", "a.txt": "a"}, Options{})
	for _, method := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"} {
		r := do(s, method, "/a.txt")
		if r.status != 405 || r.body != "" || r.has("content-type") || r.has("allow") {
			t.Errorf("%s: %d %q %v", method, r.status, r.body, r.header)
		}
		if r.get("access-control-allow-origin") != "*" || r.get("referrer-policy") == "" {
			t.Errorf("%s: the 405 went without the headers stage: %v", method, r.header)
		}
	}
	if r := do(s, "get", "/a.txt"); r.status != 200 {
		t.Errorf("lowercase get: %d", r.status)
	}
}

// TestBadRequest documents the 400 rule: control bytes in the target, an
// encoded NUL or an over-long pathname, answered before anything else.
func TestBadRequest(t *testing.T) {
	red := &mapRedirects{rules: map[string]redirectRule{"/rw": {200, "/a%00b"}}}
	s := newSite(t, map[string]string{"index.html": "home", "a.txt": "a"}, Options{Redirects: red})
	long := "/" + strings.Repeat("a", maxPathLen)
	tests := []struct {
		name, method, uri string
		status            int
	}{
		{"encoded NUL", "GET", "/a.txt%00", 400},
		{"encoded NUL before 405", "POST", "/%00", 400},
		{"raw NUL", "GET", "/a.txt\x00", 400},
		{"raw control byte", "GET", "/a\x01", 400},
		{"control byte in the query", "GET", "/a.txt?\x7f", 400},
		{"path too long", "GET", long, 400},
		{"path at the limit", "GET", long[:maxPathLen], 200},
		{"rewrite to an encoded NUL", "GET", "/rw", 400},
		{"double-encoded NUL is just a name", "GET", "/%2500", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(s, tt.method, tt.uri)
			if r.status != tt.status {
				t.Fatalf("%s %q: %d, want %d", tt.method, tt.uri, r.status, tt.status)
			}
			if tt.status == 400 && (r.body != "" || r.get("access-control-allow-origin") != "*") {
				t.Errorf("400: body %q headers %v", r.body, r.header)
			}
		})
	}
}

// TestTraversal checks that no request reaches a file outside the directory.
func TestTraversal(t *testing.T) {
	parent := t.TempDir()
	writeTree(t, parent, map[string]string{
		"secret.txt":      "TOP SECRET",
		"site/index.html": "home",
		"site/a/b.txt":    "b",
		"site-secret.txt": "SIBLING SECRET",
	})
	s, err := New(filepath.Join(parent, "site"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, uri := range []string{
		"/../secret.txt",
		"/a/../../secret.txt",
		"/%2e%2e/secret.txt",
		"/%2E%2e/%2e%2E/secret.txt",
		"/..%2fsecret.txt",
		"/a/..%2F..%2Fsecret.txt",
		"/%252e%252e/secret.txt",
		"/%252e%252e%252fsecret.txt",
		"/..\\secret.txt",
		"/a\\..\\..\\secret.txt",
		"/..%5csecret.txt",
		"/....//secret.txt",
		"/.%2e/.%2e/secret.txt",
		"/../site-secret.txt",
		"/%2e%2e%2fsite-secret.txt",
		"/" + strings.Repeat("../", 50) + "secret.txt",
		"/" + strings.Repeat("%2e%2e%2f", 50) + "secret.txt",
		"/secret.txt%00.html",
		"/%C0%AE%C0%AE/secret.txt",
		"http://example.com/../secret.txt",
		filepath.Join(parent, "secret.txt"),
	} {
		r := do(s, "GET", uri)
		if strings.Contains(r.body, "SECRET") {
			t.Errorf("GET %q served a file outside the directory", uri)
		}
		if r.status != 200 && r.status != 400 && r.status != 404 && r.status != 308 {
			t.Errorf("GET %q: status %d", uri, r.status)
		}
	}
}

func TestNewErrors(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"file": "x"})
	for _, p := range []string{filepath.Join(dir, "missing"), filepath.Join(dir, "file")} {
		if _, err := New(p, Options{}); err == nil || !strings.HasPrefix(err.Error(), "assets: ") {
			t.Errorf("New(%s): %v", p, err)
		}
	}
}

func TestServeKeepsHostRules(t *testing.T) {
	red := &mapRedirects{rules: map[string]redirectRule{"https://example.com/h": {302, "/there"}}}
	s := newSite(t, map[string]string{"index.html": "home"}, Options{Redirects: red})
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://EXAMPLE.com:9999/h")
	s.Serve(req, resp)
	if resp.StatusCode() != 302 || string(resp.Header.Peek("Location")) != "/there" {
		t.Fatalf("absolute-form request: %d %q", resp.StatusCode(), resp.Header.Peek("Location"))
	}
}

// TestConcurrentServe hammers one Server from several goroutines, with rules,
// so that -race sees the pooled state shared across requests.
func TestConcurrentServe(t *testing.T) {
	s := newSite(t, map[string]string{
		"index.html": "home", "a.html": "a", "404.html": "nf", "big.bin": strings.Repeat("z", 5000),
	}, Options{
		Redirects: &mapRedirects{rules: map[string]redirectRule{"/old": {301, "/a"}, "/rw": {200, "/a"}}},
		Headers:   sliceHeaders{{path: "/*", set: [][2]string{{"x-h", "1"}}}, {path: "/a", set: [][2]string{{"x-h", "2"}}}},
	})
	s2, err := newServer(s.dir, Options{}, limits{maxFile: 100, budget: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		s                  *Server
		method, uri        string
		status             int
		body, header, want string
	}{
		{s, "GET", "/", 200, "home", "x-h", "1"},
		{s, "GET", "/a", 200, "a", "x-h", "1, 2"},
		{s, "HEAD", "/a", 200, "", "content-length", "1"},
		{s, "GET", "/a.html?q=1", 308, "", "location", "/a?q=1"},
		{s, "GET", "/old?z", 301, "Redirecting to /a?z", "location", "/a?z"},
		{s, "GET", "/rw", 200, "a", "x-h", "1"},
		{s, "GET", "/missing", 404, "nf", "cache-control", "no-store"},
		{s, "PUT", "/", 405, "", "x-h", "1"},
		{s2, "GET", "/big.bin", 200, strings.Repeat("z", 5000), "content-length", "5000"},
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 300 {
				c := cases[(g+i)%len(cases)]
				r := do(c.s, c.method, c.uri)
				if r.status != c.status || r.body != c.body || r.get(c.header) != c.want {
					t.Errorf("%s %s: %d %q %s=%q", c.method, c.uri, r.status, r.body, c.header, r.get(c.header))
					return
				}
			}
		})
	}
	wg.Wait()
}
