package router

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestOrdering(t *testing.T) {
	tb, err := New([]string{
		"index.wasm", "foo.wasm", "foo/bar.wasm", "foo/[id].wasm", "foo/[id]/bar.wasm",
		"foo/bar/[id].wasm", "[[all]].wasm", "api/[[rest]].wasm", "api/users.wasm",
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range tb.Routes() {
		got = append(got, r.Path)
	}
	want := []string{
		"/foo/bar/:id", "/foo/:id/bar", // three segments; a param later sorts first
		"/api/users", "/foo/bar", "/foo/:id", "/api/:rest*", // two: static, then param, then catch-all
		"/foo", "/:all*", // one
		"/", // none
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order:\n got %q\nwant %q", got, want)
	}
}

func TestMatch(t *testing.T) {
	tb, err := New([]string{
		"index.wasm", "api/hello.wasm", "users/[id].wasm", "users/[id]/posts.wasm",
		"docs/[[path]].wasm", "about.wasm", "about/index.wasm",
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path   string
		module string
		params string
	}{
		{"/", "index.wasm", ""},
		{"/api/hello", "api/hello.wasm", ""},
		{"/api/hello/", "api/hello.wasm", ""},
		{"/API/Hello", "api/hello.wasm", ""},
		{"/users/42", "users/[id].wasm", "id=42"},
		{"/users/42/posts", "users/[id]/posts.wasm", "id=42"},
		{"/users/%2e%2e", "users/[id].wasm", "id=%2e%2e"}, // not decoded, as path-to-regexp
		{"/docs", "docs/[[path]].wasm", ""},
		{"/docs/a/b/c", "docs/[[path]].wasm", "path=a,b,c"},
		{"/about", "about/index.wasm", ""}, // the index twin wins
		{"/users", "", ""},
		{"/users/42/other", "", ""},
		{"/api/hello/x", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r, params, ok := tb.Match(tt.path)
			if tt.module == "" {
				if ok {
					t.Fatalf("matched %s, want no match", r.Module)
				}
				return
			}
			if !ok || r.Module != tt.module {
				t.Fatalf("got %v %v, want %s", r, ok, tt.module)
			}
			var ps []string
			for _, p := range params {
				ps = append(ps, p.Name+"="+strings.Join(p.Values, ","))
			}
			if got := strings.Join(ps, "&"); got != tt.params {
				t.Errorf("params %q, want %q", got, tt.params)
			}
		})
	}
}

func TestBadParamName(t *testing.T) {
	_, err := New([]string{"api/[x-y].wasm", "[[a.b]].wasm"})
	if err == nil || !strings.Contains(err.Error(), `"[x-y]". Parameter names must only contain alphanumeric`) ||
		!strings.Contains(err.Error(), `"[[a.b]]". Parameters names`) {
		t.Errorf("err = %v", err)
	}
}

func TestScan(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"api/hello.wasm", "index.wasm", "README.md"} {
		p := filepath.Join(dir, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
	}
	tb, err := Scan(dir)
	if err != nil || len(tb.Routes()) != 2 {
		t.Fatalf("%v %v", tb, err)
	}
	if tb, err := Scan(filepath.Join(dir, "missing")); err != nil || len(tb.Routes()) != 0 {
		t.Errorf("missing dir: %v %v", tb, err)
	}
}

func FuzzMatch(f *testing.F) {
	tb, _ := New([]string{"index.wasm", "a/[b].wasm", "[[c]].wasm", "x/[[y]]/z.wasm"})
	for _, s := range []string{"/", "/a/b", "//", "/x/z", "/x/1/2/z", "%00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		tb.Match(p)
	})
}
