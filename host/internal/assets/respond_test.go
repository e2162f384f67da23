package assets

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestAssetResponse(t *testing.T) {
	s := newSite(t, map[string]string{"style.css": "body{}", "app.js": "1", "data.bin": "\x00\x01"}, Options{})
	r := do(s, "GET", "/style.css")
	want := map[string]string{
		"content-type":                "text/css; charset=utf-8",
		"cache-control":               "public, max-age=0, must-revalidate",
		"access-control-allow-origin": "*",
		"referrer-policy":             "strict-origin-when-cross-origin",
		"x-content-type-options":      "nosniff",
	}
	if r.status != 200 || r.body != "body{}" {
		t.Fatalf("GET /style.css: %d %q", r.status, r.body)
	}
	for name, value := range want {
		if got := r.get(name); got != value {
			t.Errorf("%s: %q, want %q", name, got, value)
		}
	}
	if etag := r.get("etag"); len(etag) != 34 || etag[0] != '"' {
		t.Errorf("etag %q is not a quoted 32-digit key", etag)
	}
	if got := do(s, "GET", "/data.bin").get("content-type"); got != "application/octet-stream" {
		t.Errorf("unknown extension: content-type %q", got)
	}
}

func TestCacheControl(t *testing.T) {
	s := newSite(t, map[string]string{"a.txt": "0123456789"}, Options{})
	tests := []struct {
		name string
		hdr  []string
		want string
	}{
		{"plain", nil, "public, max-age=0, must-revalidate"},
		{"authorization", []string{"Authorization", "Bearer x"}, ""},
		{"lowercase authorization", []string{"authorization", "Basic eA=="}, ""},
		{"range", []string{"Range", "bytes=0-1"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(s, "GET", "/a.txt", tt.hdr...)
			if r.status != 200 || r.body != "0123456789" {
				t.Fatalf("status %d body %q: Range must get the whole file with 200", r.status, r.body)
			}
			if got := r.get("cache-control"); got != tt.want {
				t.Errorf("cache-control %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHEAD(t *testing.T) {
	s := newSite(t, map[string]string{"a.txt": "0123456789", "big.bin": strings.Repeat("x", 3000)}, Options{})
	s2, err := newServer(s.dir, Options{}, limits{maxFile: 100, budget: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		s    *Server
		uri  string
		size int
	}{{s, "/a.txt", 10}, {s2, "/big.bin", 3000}} {
		get, head := do(tt.s, "GET", tt.uri), do(tt.s, "HEAD", tt.uri)
		if head.status != 200 || head.body != "" || !head.skip {
			t.Fatalf("HEAD %s: %d body %q skip %v", tt.uri, head.status, head.body, head.skip)
		}
		if got := head.get("content-length"); got != strconv.Itoa(tt.size) {
			t.Errorf("HEAD %s: content-length %q, want %d", tt.uri, got, tt.size)
		}
		for _, name := range []string{"etag", "content-type", "cache-control"} {
			if head.get(name) != get.get(name) {
				t.Errorf("HEAD %s: %s %q, GET has %q", tt.uri, name, head.get(name), get.get(name))
			}
		}
	}
	if r := do(s, "head", "/a.txt"); r.status != 200 || r.body != "" {
		t.Errorf("lowercase head: %d %q", r.status, r.body)
	}
}

// TestStreamed serves files above the in-memory limit from disk.
func TestStreamed(t *testing.T) {
	dir := t.TempDir()
	big := strings.Repeat("0123456789abcdef", (maxMemoryFile/16)+1)
	writeTree(t, dir, map[string]string{"big.bin": big, "small.txt": "s"})
	s, err := New(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !s.files["/big.bin"].stream || s.files["/small.txt"].stream {
		t.Fatalf("big.bin stream=%v, small.txt stream=%v", s.files["/big.bin"].stream, s.files["/small.txt"].stream)
	}
	r := do(s, "GET", "/big.bin")
	if r.status != 200 || r.body != big || r.get("etag") == "" {
		t.Fatalf("GET /big.bin: %d, %d bytes", r.status, len(r.body))
	}

	// A streamed file gone since New is a 500, without the headers stage.
	if err := os.Remove(filepath.Join(dir, "big.bin")); err != nil {
		t.Fatal(err)
	}
	r = do(s, "GET", "/big.bin")
	if r.status != 500 || r.has("etag") || r.has("content-type") || r.has("access-control-allow-origin") {
		t.Fatalf("GET removed /big.bin: %d %v", r.status, r.header)
	}
}

// TestRedirectsOrder covers spec §2.8 step 1 and §2.10's ordering rules.
func TestRedirectsOrder(t *testing.T) {
	red := &mapRedirects{rules: map[string]redirectRule{
		"/exists.html": {301, "/elsewhere"},
		"/a":           {200, "/b"},
		"/b":           {200, "/c"},
		"/rw-query":    {200, "/target?x=1#frag"},
		"/rw-missing":  {200, "/nowhere"},
		"/rw-pretty":   {200, "/target.html"},
		"/s302":        {302, "/t"},
		"/s303":        {303, "/t"},
		"/s307":        {307, "/t"},
		"/s308":        {308, "/t"},
		"/s999":        {999, "/t"},
		"/abs":         {301, "https://other.example/x?y=1"},
		"/crlf":        {302, "/x\r\nset-cookie: a=b"},
		"/%C3%A9":      {302, "/encoded-key"},
	}}
	s := newSite(t, map[string]string{
		"exists.html": "exists",
		"b.html":      "b",
		"c.html":      "c",
		"target.html": "target",
		"404.html":    "nf",
	}, Options{Redirects: red})

	tests := []struct {
		name, method, uri string
		status            int
		location, body    string
	}{
		{"redirect wins over an existing file", "GET", "/exists.html", 301, "/elsewhere", "Redirecting to /elsewhere"},
		{"redirect keeps the request query", "GET", "/exists.html?q=1", 301, "/elsewhere?q=1", "Redirecting to /elsewhere?q=1"},
		{"redirect before the method check", "POST", "/exists.html", 301, "/elsewhere", "Redirecting to /elsewhere"},
		{"HEAD redirect has no body", "HEAD", "/exists.html", 301, "/elsewhere", ""},
		{"200 rewrites and is not looked up again", "GET", "/a", 200, "", "b"},
		{"rewrite target's query and fragment dropped", "GET", "/rw-query", 200, "", "target"},
		{"rewrite to a missing file is 404 handling", "GET", "/rw-missing", 404, "", "nf"},
		{"rewrite target goes through pretty URLs", "GET", "/rw-pretty", 308, "/target", ""},
		{"rewrite then 405", "POST", "/a", 405, "", ""},
		{"302", "GET", "/s302", 302, "/t", "Redirecting to /t"},
		{"303", "GET", "/s303", 303, "/t", "Redirecting to /t"},
		{"307", "GET", "/s307", 307, "/t", "Redirecting to /t"},
		{"308 has no body", "GET", "/s308", 308, "/t", ""},
		{"other statuses become 302", "GET", "/s999", 302, "/t", "Redirecting to /t"},
		{"absolute target sent as built", "GET", "/abs", 301, "https://other.example/x?y=1", "Redirecting to https://other.example/x?y=1"},
		{"control bytes in a target are encoded", "GET", "/crlf", 302, "/x%0D%0Aset-cookie: a=b", "Redirecting to /x%0D%0Aset-cookie: a=b"},
		{"rules see the raw encoded path", "GET", "/%C3%A9", 302, "/encoded-key", "Redirecting to /encoded-key"},
		{"rules see non-ASCII percent-encoded", "GET", "/\xc3\xa9", 302, "/encoded-key", "Redirecting to /encoded-key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := red.calls.Load()
			r := do(s, tt.method, tt.uri)
			if r.status != tt.status || r.get("location") != tt.location || r.body != tt.body {
				t.Fatalf("%s %s: %d %q %q, want %d %q %q", tt.method, tt.uri, r.status, r.get("location"), r.body, tt.status, tt.location, tt.body)
			}
			if n := red.calls.Load() - before; n != 1 {
				t.Errorf("Lookup called %d times, want 1", n)
			}
			if r.has("set-cookie") {
				t.Errorf("header injection: %v", r.header)
			}
			wantCT := "text/plain;charset=UTF-8" // HEAD included: only the body goes
			if tt.status == 308 {
				wantCT = ""
			}
			if tt.status >= 300 && tt.status < 400 && r.get("content-type") != wantCT {
				t.Errorf("content-type %q, want %q", r.get("content-type"), wantCT)
			}
		})
	}
}
