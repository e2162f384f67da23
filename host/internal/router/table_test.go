package router

import (
	"reflect"
	"strings"
	"testing"
)

func TestOrdering(t *testing.T) {
	tb, err := New(any(
		"index.wasm", "foo.wasm", "foo/bar.wasm", "foo/[id].wasm", "foo/[id]/bar.wasm",
		"foo/bar/[id].wasm", "[[all]].wasm", "api/[[rest]].wasm", "api/users.wasm",
	))
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
	tb, err := New(any(
		"index.wasm", "api/hello.wasm", "users/[id].wasm", "users/[id]/posts.wasm",
		"docs/[[path]].wasm", "about.wasm", "about/index.wasm", "reindex.wasm", "reindex/index.wasm",
	))
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
		{"/docs/a//b", "", ""},                 // an empty segment is no segment of a catch-all
		{"/about", "about/index.wasm", ""},     // the index twin wins
		{"/reindex", "reindex/index.wasm", ""}, // only a file named index.wasm is an index
		{"/users", "", ""},
		{"/users/42/other", "", ""},
		{"/api/hello/x", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			c := match(tb, "GET", tt.path)
			if tt.module == "" {
				if c.Handler != nil {
					t.Fatalf("matched %s, want no match", c.Handler.Route.Module)
				}
				return
			}
			if c.Handler == nil || c.Handler.Route.Module != tt.module {
				t.Fatalf("got %+v, want %s", c.Handler, tt.module)
			}
			var ps []string
			for _, p := range c.Handler.Params {
				ps = append(ps, p.Name+"="+strings.Join(p.Values, ","))
			}
			if got := strings.Join(ps, "&"); got != tt.params {
				t.Errorf("params %q, want %q", got, tt.params)
			}
		})
	}
}

func TestBadParamName(t *testing.T) {
	_, err := New(any("api/[x-y].wasm", "[[a.b]].wasm"))
	if err == nil || !strings.Contains(err.Error(), `"[x-y]". Parameter names must only contain alphanumeric`) ||
		!strings.Contains(err.Error(), `"[[a.b]]". Parameters names`) {
		t.Errorf("err = %v", err)
	}
}

func FuzzMatch(f *testing.F) {
	tb, _ := New(any("index.wasm", "a/[b].wasm", "[[c]].wasm", "x/[[y]]/z.wasm", "_middleware.wasm", "x/[[y]]/_middleware.wasm"))
	for _, s := range []string{"/", "/a/b", "//", "/x/z", "/x/1/2/z", "%00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		c := match(tb, "GET", p)
		// Every value of every match is a segment of p.
		ms := c.Middleware
		if c.Handler != nil {
			ms = append(ms, *c.Handler)
		}
		for _, m := range ms {
			for _, param := range m.Params {
				for _, v := range param.Values {
					if strings.Contains(v, "/") || !strings.Contains(p, v) {
						t.Fatalf("%q: param %s=%q is not a segment of the path", p, param.Name, v)
					}
				}
			}
		}
	})
}
