package assets

import "testing"

// TestNotFound covers spec §2.8 step 5 and step 8.
func TestNotFound(t *testing.T) {
	walk := newSite(t, map[string]string{
		"404.html":         "root 404",
		"a/404.html":       "a 404",
		"a/b/c/404.html":   "abc 404",
		"index.html":       "home",
		"a/b/page.html":    "page",
		"other/index.html": "other",
	}, Options{})
	spa := newSite(t, map[string]string{
		"index.html":    "spa shell",
		"blog/404.html": "blog 404",
		"app.js":        "js",
	}, Options{})
	bare := newSite(t, map[string]string{"about.html": "about"}, Options{})

	tests := []struct {
		name   string
		s      *Server
		uri    string
		status int
		body   string
		ctype  string
	}{
		{"top level", walk, "/missing", 404, "root 404", "text/html; charset=utf-8"},
		{"depth 1 uses a/404.html", walk, "/a/missing", 404, "a 404", "text/html; charset=utf-8"},
		{"depth 2 walks up to a/404.html", walk, "/a/b/missing", 404, "a 404", "text/html; charset=utf-8"},
		{"depth 3 uses a/b/c/404.html", walk, "/a/b/c/missing", 404, "abc 404", "text/html; charset=utf-8"},
		{"depth 5 walks up to a/b/c/404.html", walk, "/a/b/c/d/e/missing", 404, "abc 404", "text/html; charset=utf-8"},
		{"trailing slash checks the directory itself", walk, "/a/b/c/", 404, "abc 404", "text/html; charset=utf-8"},
		{"sibling tree uses the top one", walk, "/other/x/y", 404, "root 404", "text/html; charset=utf-8"},
		{"decoded slashes count as directories", walk, "/a%2Fb%2Fc%2Fmissing", 404, "abc 404", "text/html; charset=utf-8"},
		{"404.html itself is served with 200 at /a/404", walk, "/a/404", 200, "a 404", "text/html; charset=utf-8"},
		{"SPA fallback serves /index.html with 200", spa, "/app/route/42", 200, "spa shell", "text/html; charset=utf-8"},
		{"SPA fallback for an asset-looking path", spa, "/missing.js", 200, "spa shell", "text/html; charset=utf-8"},
		{"nested 404.html applies below it", spa, "/blog/missing", 404, "blog 404", "text/html; charset=utf-8"},
		{"no index.html and no 404.html: bare 404", bare, "/missing", 404, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(tt.s, "GET", tt.uri)
			if r.status != tt.status || r.body != tt.body || r.get("content-type") != tt.ctype {
				t.Fatalf("GET %s: %d %q %q, want %d %q %q", tt.uri, r.status, r.get("content-type"), r.body, tt.status, tt.ctype, tt.body)
			}
			if tt.status != 404 {
				return
			}
			if got := r.get("cache-control"); got != "no-store" {
				t.Errorf("cache-control %q, want no-store", got)
			}
			if r.has("etag") {
				t.Errorf("a 404 has etag %q", r.get("etag"))
			}
			if got := r.get("access-control-allow-origin"); got != "*" {
				t.Errorf("access-control-allow-origin %q, want *", got)
			}
			if got, want := r.get("x-content-type-options"), map[bool]string{true: "nosniff"}[tt.ctype != ""]; got != want {
				t.Errorf("x-content-type-options %q, want %q", got, want)
			}
		})
	}
}

func TestNotFoundSPAFallbackIsAnAsset(t *testing.T) {
	s := newSite(t, map[string]string{"index.html": "spa shell"}, Options{})
	r := do(s, "GET", "/deep/link")
	etag := r.get("etag")
	if r.status != 200 || etag == "" || r.get("cache-control") != "public, max-age=0, must-revalidate" {
		t.Fatalf("SPA fallback: %d etag %q cache-control %q", r.status, etag, r.get("cache-control"))
	}
	if r := do(s, "GET", "/deep/link", "If-None-Match", etag); r.status != 304 {
		t.Fatalf("SPA fallback with matching If-None-Match: %d, want 304", r.status)
	}
}

func TestNotFoundHEAD(t *testing.T) {
	s := newSite(t, map[string]string{"404.html": "0123456789"}, Options{})
	r := do(s, "HEAD", "/missing")
	if r.status != 404 || r.body != "" || r.get("content-length") != "10" || !r.skip {
		t.Fatalf("HEAD 404: %d body %q content-length %q skip %v", r.status, r.body, r.get("content-length"), r.skip)
	}
}

// TestNotFoundLongPath checks that a path with thousands of segments
// does not look up thousands of keys longer than any 404.html.
func TestNotFoundLongPath(t *testing.T) {
	s := newSite(t, map[string]string{"a/404.html": "a 404", "404.html": "root"}, Options{})
	long := "/a"
	for len(long) < maxPathLen-2 {
		long += "/b"
	}
	r := do(s, "GET", long)
	if r.status != 404 || r.body != "a 404" {
		t.Fatalf("GET long path: %d %q", r.status, r.body)
	}
}
