package rules

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParseRedirects(f *testing.F) {
	f.Add([]byte("/a /b 301 # note\n/b /c#frag\nyeah.com /x\n/c?x=1 /d\n"), "h.test", "/a", "q=1")
	f.Add([]byte("/blog/* /news/:splat 301\n/users/:id /u/:id\n/go/* /:splat\n"), "h.test", "/go//evil.example", "")
	f.Add([]byte("/a https://example.com/p#h\n/app/* /app.html 200\n/* /index.html\n"), "H.TEST", "/a", "x")
	f.Add([]byte("/f/:a-:b /g/:b/:a?x=:a\n/x/* https://:splat.bücher.example/ 308\n"), "h", "/x/%41", "")
	f.Fuzz(func(t *testing.T, data []byte, host, path, query string) {
		r, warnings := ParseRedirects(data)
		lines := strings.Count(string(data), "\n") + 1
		for _, w := range warnings {
			if w.Line < 0 || w.Line > lines || w.Message == "" {
				t.Fatalf("bad warning %+v", w)
			}
		}
		s, d := r.Len()
		if s > maxStaticRedirects || d > maxDynamicRedirects {
			t.Fatalf("Len() = %d, %d", s, d)
		}
		check := func(path string) {
			status, target, ok := r.Lookup(host, path, query)
			if !ok {
				return
			}
			switch status {
			case 200, 301, 302, 303, 307, 308:
			default:
				t.Fatalf("status %d", status)
			}
			if status == 200 && !strings.HasPrefix(target, "/") {
				t.Fatalf("rewrite target %q", target)
			}
		}
		check(path)
		for key := range r.static {
			check(key)
		}
	})
}

func FuzzParseHeaders(f *testing.F) {
	f.Add([]byte("# comment\n/secure/page\n  X-Frame-Options: DENY\n  ! X-Powered-By\nhttps://:project.pages.dev/*\n  X-Robots-Tag: noindex\n"),
		"foo.pages.dev", "/secure/page")
	f.Add([]byte("X-A: 1\n/a/*/b/*\n  X: 1\n/blog/:slug\n  X-Slug: :slug\n  x-slug: $&\n/a\n/b\n  !x\n"), "h", "/blog/x")
	f.Add([]byte("https://\x80:a-:b/*\n  X: :a\n"), "x-y", "/")
	f.Fuzz(func(t *testing.T, data []byte, host, path string) {
		h, warnings := ParseHeaders(data)
		for _, w := range warnings {
			_ = w.String()
		}
		if h.Len() > maxHeaderRules+1 {
			t.Fatalf("Len() = %d", h.Len())
		}
		h.Each(host, path, func(unset []string, set [][2]string) {
			for _, kv := range set {
				if kv[0] == "" || kv[1] == "" || strings.Contains(kv[0], " ") {
					t.Fatalf("bad header %q", kv)
				}
			}
		})
	})
}

func FuzzParseRoutes(f *testing.F) {
	f.Add([]byte(`{"version":1,"include":["/api/*"],"exclude":["/api/static/*","/*.png"]}`), "/api/x")
	f.Add([]byte(`{"version":1,"include":["/","/foo*","/a.b/"],"exclude":[]}`), "/foobar")
	f.Add([]byte(`{"version":1,"include":["/(x|y)+/*","/["],"exclude":[]}`), "/xy/z")
	f.Add([]byte(`{"version":1,"include":["/api/*","/api/foo"],"exclude":[]}`), "/")
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		r, err := ParseRoutes(data)
		if err != nil {
			var re *RoutesError
			if !errors.As(err, &re) || re.Code == "" || re.Message == "" {
				t.Fatalf("error %v is not a *RoutesError", err)
			}
			return
		}
		r.Match(path)
		out, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseRoutes(out)
		if err != nil {
			t.Fatalf("re-parsing %s: %v", out, err)
		}
		if again.Match(path) != r.Match(path) {
			t.Fatalf("re-parsed routes disagree on %q", path)
		}
	})
}

// FuzzRouteGlob checks the hand matcher against the reference's regular
// expression for rules that the hand matcher handles.
func FuzzRouteGlob(f *testing.F) {
	for _, s := range [][2]string{{"/api/*", "/api"}, {"/foo*", "/foo/x"}, {"/*.*", "/a.b"}, {"/a/", "/a"}, {"/a*b*c", "/abbc"}, {"\xab", "0"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, rule, path string) {
		// Rules from JSON are valid UTF-8; RE2 reads an invalid byte of the
		// path as U+FFFD, and "." does not match a newline.
		if strings.ContainsAny(rule, regexpSyntax) || !utf8.ValidString(rule) || !utf8.ValidString(path) ||
			strings.ContainsAny(path, "\n") {
			return
		}
		g, re := compileRouteRule(rule), regexpRouteRule(rule)
		if re.dead {
			t.Fatalf("rule %q does not compile", rule)
		}
		if g.match(path) != re.match(path) {
			t.Fatalf("rule %q path %q: glob %v, regexp %v", rule, path, g.match(path), re.match(path))
		}
	})
}
