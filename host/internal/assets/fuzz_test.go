package assets

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// FuzzServe sends arbitrary targets, methods and headers through a site with
// rules, and a secret beside it and inside its excluded files.
func FuzzServe(f *testing.F) {
	const secret = "FUZZ-SECRET-4f1d"
	parent := f.TempDir()
	writeTree(f, parent, map[string]string{
		"secret.txt":                 secret,
		"site/index.html":            "home",
		"site/404.html":              "not found",
		"site/a/index.html":          "a index",
		"site/a/b.html":              "b",
		"site/a/404.html":            "a not found",
		"site/contact.html":          "contact",
		"site/img/logo.png":          "png",
		"site/_redirects":            secret,
		"site/_headers":              secret,
		"site/_routes.json":          secret,
		"site/_worker.wasm":          secret,
		"site/pages.toml":            secret,
		"site/.dev.vars":             secret,
		"site/functions/x.wasm":      secret,
		"site/node_modules/m/i.js":   secret,
		"site/.git/config":           secret,
		"site/.wasmpages/state":      secret,
		"site/a/.DS_Store":           secret,
		"site/%2e%2e/secret.txt":     "a directory literally named %2e%2e",
		"site/sub/node_modules/x.js": secret,
	})
	site := filepath.Join(parent, "site")
	if err := os.Symlink(filepath.Join(parent, "secret.txt"), filepath.Join(site, "leak.txt")); err != nil {
		f.Fatal(err)
	}
	if err := os.Symlink("_redirects", filepath.Join(site, "leak2.txt")); err != nil {
		f.Fatal(err)
	}
	s, err := New(site, Options{
		Redirects: &mapRedirects{rules: map[string]redirectRule{
			"/old":     {301, "/contact"},
			"/temp":    {302, "https://other.example/"},
			"/perm":    {308, "/a/"},
			"/rw":      {200, "/a/b.html"},
			"/rw-up":   {200, "/../secret.txt"},
			"/rw-enc":  {200, "/%2e%2e/secret.txt"},
			"/rw-long": {200, "/" + strings.Repeat("x", 5000)},
		}},
		Headers: sliceHeaders{
			{path: "/*", set: [][2]string{{"x-fuzz", "1"}}},
			{path: "/a/*", unset: []string{"x-fuzz", "content-type"}, set: [][2]string{{"x-fuzz", "2"}, {"x-fuzz", "3"}}},
		},
	})
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []struct{ method, uri, name, value string }{
		{"GET", "/", "", ""},
		{"HEAD", "/a/", "If-None-Match", "*"},
		{"POST", "/old?x=1", "", ""},
		{"GET", "/rw", "Range", "bytes=0-1"},
		{"GET", "/rw-up", "", ""},
		{"GET", "/rw-enc", "", ""},
		{"GET", "/rw-long", "", ""},
		{"GET", "/../secret.txt", "", ""},
		{"GET", "/%2e%2e/secret.txt", "", ""},
		{"GET", "/%252e%252e/secret.txt", "", ""},
		{"GET", "/..%5Csecret.txt", "", ""},
		{"GET", "/leak.txt", "", ""},
		{"GET", "/%2F%2Fevil.com/index/", "", ""},
		{"GET", "//evil.com/a/b.html?q", "Authorization", "x"},
		{"GET", "/\\\\evil.com/index", "", ""},
		{"GET", "/%09/evil.com/index/", "", ""},
		{"GET", "/a%00", "", ""},
		{"GET", "http://h/_redirects", "", ""},
		{"OPTIONS", "*", "", ""},
		{"", "", "", ""},
	} {
		f.Add(seed.method, seed.uri, seed.name, seed.value)
	}

	allowed := map[int]bool{200: true, 301: true, 302: true, 304: true, 308: true, 400: true, 404: true, 405: true}
	f.Fuzz(func(t *testing.T, method, uri, name, value string) {
		req := fasthttp.AcquireRequest()
		resp := fasthttp.AcquireResponse()
		defer fasthttp.ReleaseRequest(req)
		defer fasthttp.ReleaseResponse(resp)
		req.Header.SetMethod(method)
		req.SetRequestURI(uri)
		if name != "" {
			req.Header.Set(name, value)
		}
		s.Serve(req, resp)

		status := resp.StatusCode()
		if !allowed[status] {
			t.Fatalf("%s %q: status %d", method, uri, status)
		}
		body := resp.Body()
		if bytes.Contains(body, []byte(secret)) {
			t.Fatalf("%s %q: served a secret", method, uri)
		}
		loc := resp.Header.Peek(fasthttp.HeaderLocation)
		if status == 308 && (len(loc) < 1 || loc[0] != '/' || len(loc) > 1 && (loc[1] == '/' || loc[1] == '\\')) {
			t.Fatalf("%s %q: 308 to %q", method, uri, loc)
		}
		if hasControlByte(loc) {
			t.Fatalf("%s %q: location %q holds a control byte", method, uri, loc)
		}
		if status == 404 && string(resp.Header.Peek(fasthttp.HeaderCacheControl)) != "no-store" {
			t.Fatalf("%s %q: 404 without no-store", method, uri)
		}
		if len(resp.Header.Peek("x-fuzz")) == 0 || string(resp.Header.Peek("access-control-allow-origin")) != "*" {
			t.Fatalf("%s %q: %d without the headers stage", method, uri, status)
		}
	})
}
