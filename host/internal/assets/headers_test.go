package assets

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestHeadersStage covers spec §2.8 step 7 and 8 with _headers rules.
func TestHeadersStage(t *testing.T) {
	red := &mapRedirects{rules: map[string]redirectRule{"/go": {302, "/gone"}, "/rw": {200, "/page"}}}
	hdr := sliceHeaders{
		{path: "/*", set: [][2]string{{"x-all", "1"}, {"access-control-allow-origin", "https://a.example"}}},
		{path: "/page", unset: []string{"Referrer-Policy"}, set: [][2]string{{"x-all", "2"}, {"x-page", "p"}}},
		{path: "/page", set: [][2]string{{"x-all", "3"}, {"set-cookie", "a=1"}, {"set-cookie", "b=2"}}},
		{path: "/page", unset: []string{"x-page"}, set: [][2]string{{"x-page", "again"}}},
		{path: "/cc.txt", set: [][2]string{{"cache-control", "max-age=60"}, {"content-length", "1"}, {"connection", "close"}}},
		{path: "/nf", set: [][2]string{{"cache-control", "max-age=60"}}},
		{path: "/ct.txt", unset: []string{"Content-Type"}},
		{path: "/big", set: [][2]string{{"x-all", "big"}}},
	}
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"page.html": "page", "cc.txt": "cc", "ct.txt": "ct", "big": "big"})
	s, err := newServer(dir, Options{Redirects: red, Headers: hdr}, limits{maxFile: 1, budget: 100})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("replace then append", func(t *testing.T) {
		r := do(s, "GET", "/page")
		if r.status != 200 {
			t.Fatalf("status %d", r.status)
		}
		want := map[string]string{
			"x-all":                       "1, 2, 3",
			"access-control-allow-origin": "https://a.example", // a default, replaced
			"x-page":                      "again",             // unset, then set anew
			"referrer-policy":             "",
			"x-content-type-options":      "nosniff",
		}
		for name, value := range want {
			if got := r.get(name); got != value {
				t.Errorf("%s: %q, want %q", name, got, value)
			}
		}
		if got := r.header["set-cookie"]; !reflect.DeepEqual(got, []string{"a=1", "b=2"}) {
			t.Errorf("set-cookie %q, want two cookies", got)
		}
	})
	t.Run("matched on the request path, not the rewrite", func(t *testing.T) {
		r := do(s, "GET", "/rw")
		if r.status != 200 || r.body != "page" || r.get("x-page") != "" || r.get("x-all") != "1" {
			t.Fatalf("GET /rw: %d %q %v", r.status, r.body, r.header)
		}
	})
	for _, tt := range []struct{ name, method, uri string }{
		{"applied to a _redirects redirect", "GET", "/go"},
		{"applied to a pretty-URL 308", "GET", "/page.html"},
		{"applied to a 404", "GET", "/nf"},
		{"applied to a 405", "DELETE", "/nf"},
		{"applied to a 400", "GET", "/%00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if r := do(s, tt.method, tt.uri); r.get("x-all") != "1" {
				t.Fatalf("%s %s: %d x-all %q", tt.method, tt.uri, r.status, r.get("x-all"))
			}
		})
	}
	t.Run("applied to a 304", func(t *testing.T) {
		etag := do(s, "GET", "/page").get("etag")
		if r := do(s, "GET", "/page", "If-None-Match", etag); r.status != 304 || r.get("x-all") != "1, 2, 3" {
			t.Fatalf("304: %d %v", r.status, r.header)
		}
	})
	t.Run("404 always ends with no-store", func(t *testing.T) {
		if r := do(s, "GET", "/nf"); r.status != 404 || r.get("cache-control") != "no-store" {
			t.Fatalf("GET /nf: %d cache-control %q", r.status, r.get("cache-control"))
		}
	})
	t.Run("framing headers are left alone", func(t *testing.T) {
		r := do(s, "GET", "/cc.txt")
		if r.status != 200 || r.body != "cc" || r.get("cache-control") != "max-age=60" || r.has("connection") {
			t.Fatalf("GET /cc.txt: %d %q %v", r.status, r.body, r.header)
		}
	})
	t.Run("content-type can be unset", func(t *testing.T) {
		r := do(s, "GET", "/ct.txt")
		if r.status != 200 || r.has("content-type") || r.get("x-content-type-options") != "nosniff" {
			t.Fatalf("GET /ct.txt: %d %v", r.status, r.header)
		}
	})
	t.Run("not applied to a 500", func(t *testing.T) {
		if err := os.Remove(filepath.Join(dir, "big")); err != nil {
			t.Fatal(err)
		}
		r := do(s, "GET", "/big")
		if r.status != 500 || r.has("x-all") || r.has("access-control-allow-origin") || r.has("referrer-policy") {
			t.Fatalf("GET /big: %d %v", r.status, r.header)
		}
	})
}

// TestDefaultHeaders checks the headers every response below 500 gets.
func TestDefaultHeaders(t *testing.T) {
	s := newSite(t, map[string]string{"index.html": "home", "a.html": "a"}, Options{})
	for _, tt := range []struct {
		method, uri string
		status      int
		nosniff     bool
	}{
		{"GET", "/", 200, true},
		{"GET", "/a.html", 308, false},
		{"POST", "/", 405, false},
		{"GET", "/%00", 400, false},
	} {
		r := do(s, tt.method, tt.uri)
		if r.status != tt.status || r.get("access-control-allow-origin") != "*" ||
			r.get("referrer-policy") != "strict-origin-when-cross-origin" || r.has("x-content-type-options") != tt.nosniff {
			t.Errorf("%s %s: %d %v", tt.method, tt.uri, r.status, r.header)
		}
		for name := range r.header {
			if strings.HasPrefix(name, "x-") && name != "x-content-type-options" {
				t.Errorf("%s %s: unexpected %s", tt.method, tt.uri, name)
			}
		}
	}
}
