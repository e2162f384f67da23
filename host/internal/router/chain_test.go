package router

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wasmpages/wasmpages/abi"
)

// any describes modules that serve every method.
func any(files ...string) []Module {
	var ms []Module
	for _, f := range files {
		ms = append(ms, Module{File: f, Methods: abi.MethodAny})
	}
	return ms
}

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"api/hello.wasm", "index.wasm", "README.md", "_middleware.wasm"} {
		p := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
	}
	files, err := Files(dir)
	if want := []string{"_middleware.wasm", "api/hello.wasm", "index.wasm"}; err != nil || !reflect.DeepEqual(files, want) {
		t.Fatalf("%q %v", files, err)
	}
	if files, err := Files(filepath.Join(dir, "missing")); err != nil || len(files) != 0 {
		t.Errorf("missing dir: %v %v", files, err)
	}
}

func TestMethods(t *testing.T) {
	tb, err := New([]Module{
		{File: "items/[id].wasm", Methods: abi.MethodGet | abi.MethodDelete}, // onRequestGet, onRequestDelete
		{File: "items/[[rest]].wasm", Methods: abi.MethodAny},
		{File: "both.wasm", Methods: abi.MethodGet | abi.MethodAny}, // onRequestGet and onRequest
		{File: "other.wasm", Methods: abi.MethodAny},
	})
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, r := range tb.Routes() {
		order = append(order, strings.TrimSpace(r.Method+" "+r.Path))
	}
	want := []string{"GET /items/:id", "DELETE /items/:id", "/items/:rest*", "GET /both", "/both", "/other"}
	if !reflect.DeepEqual(order, want) {
		t.Errorf("order:\n got %q\nwant %q", order, want)
	}
	for _, tt := range []struct{ method, path, module, routeMethod string }{
		{"GET", "/items/1", "items/[id].wasm", "GET"},
		{"DELETE", "/items/1", "items/[id].wasm", "DELETE"},
		{"HEAD", "/items/1", "items/[[rest]].wasm", ""}, // GET does not serve HEAD
		{"POST", "/items/1", "items/[[rest]].wasm", ""},
		{"GET", "/both", "both.wasm", "GET"},
		{"PUT", "/both", "both.wasm", ""},
	} {
		c := match(tb, tt.method, tt.path)
		if c.Handler == nil || c.Handler.Route.Module != tt.module || c.Handler.Route.Method != tt.routeMethod {
			t.Errorf("%s %s: got %+v, want %s (%q)", tt.method, tt.path, c.Handler, tt.module, tt.routeMethod)
		}
	}
	only, _ := New([]Module{{File: "get.wasm", Methods: abi.MethodGet}})
	if c := match(only, "HEAD", "/get"); c.Handler != nil {
		t.Errorf("HEAD reached a GET-only module: %+v", c.Handler)
	}
}

func TestMiddlewareChain(t *testing.T) {
	tb, err := New(append(any(
		"_middleware.wasm", "api/_middleware.wasm", "api/[id].wasm", "api/[id]/_middleware.wasm",
		"[team]/admin/_middleware.wasm", "api/[id]/posts.wasm",
	), Module{File: "api/posts/_middleware.wasm", Methods: abi.MethodPost}))
	if err != nil {
		t.Fatal(err)
	}
	chain := func(method, path string) string {
		c := match(tb, method, path)
		var s []string
		for _, m := range c.Middleware {
			s = append(s, m.Route.Module+paramString(m.Params))
		}
		if c.Handler != nil {
			s = append(s, "=> "+c.Handler.Route.Module+paramString(c.Handler.Params))
		}
		return strings.Join(s, " ")
	}
	for _, tt := range []struct{ method, path, want string }{
		{"GET", "/", "_middleware.wasm"},
		{"GET", "/logo.svg", "_middleware.wasm"}, // no route: middleware, then assets
		{"GET", "/api", "_middleware.wasm api/_middleware.wasm"},
		// A directory's middleware covers the directory's own path.
		{"GET", "/API/7", "_middleware.wasm api/_middleware.wasm api/[id]/_middleware.wasm(id=7) => api/[id].wasm(id=7)"},
		{"GET", "/api/7/posts", "_middleware.wasm api/_middleware.wasm api/[id]/_middleware.wasm(id=7) => api/[id]/posts.wasm(id=7)"},
		{"GET", "/api/posts", "_middleware.wasm api/_middleware.wasm api/[id]/_middleware.wasm(id=posts) => api/[id].wasm(id=posts)"},
		// Least specific first: /api/:id before /api/posts.
		{"POST", "/api/posts", "_middleware.wasm api/_middleware.wasm api/[id]/_middleware.wasm(id=posts) api/posts/_middleware.wasm => api/[id].wasm(id=posts)"},
		{"GET", "/blue/admin/users", "_middleware.wasm [team]/admin/_middleware.wasm(team=blue)"},
		{"GET", "/blue/adminx", "_middleware.wasm"}, // whole segments only
	} {
		if got := chain(tt.method, tt.path); got != tt.want {
			t.Errorf("%s %s:\n got %s\nwant %s", tt.method, tt.path, got, tt.want)
		}
	}
}

func paramString(ps Params) string {
	if len(ps) == 0 {
		return ""
	}
	var s []string
	for _, p := range ps {
		s = append(s, p.Name+"="+strings.Join(p.Values, ","))
	}
	return "(" + strings.Join(s, "&") + ")"
}
