package rules

import (
	"fmt"
	"strings"
	"testing"
)

// benchRedirects is a _redirects file at the limits: 2,000 static rules and
// 100 dynamic ones of the usual shapes.
func benchRedirects(b *testing.B) *Redirects {
	var sb strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&sb, "/old/page-%d /new/page-%d 301\n", i, i)
	}
	for i := range 100 {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&sb, "/blog%d/* /news%d/:splat 301\n", i, i)
		case 1:
			fmt.Fprintf(&sb, "/users%d/:id /u%d/:id\n", i, i)
		case 2:
			fmt.Fprintf(&sb, "/docs%d/:lang/* /d%d/:splat?lang=:lang 302\n", i, i)
		default:
			fmt.Fprintf(&sb, "/files%d/:name.html /f%d/:name 200\n", i, i)
		}
	}
	r, warnings := ParseRedirects([]byte(sb.String()))
	if len(warnings) > 0 {
		b.Fatal(warnings)
	}
	return r
}

func BenchmarkRedirectsLookup(b *testing.B) {
	r := benchRedirects(b)
	for _, bc := range []struct{ name, path, query string }{
		{"static-hit", "/old/page-1500", ""},
		{"static-hit-query", "/old/page-1500", "utm=x"},
		{"dynamic-first", "/blog0/2024/hello", ""},
		{"dynamic-last", "/files99/report.html", ""},
		{"miss", "/assets/app.js", ""},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r.Lookup("example.com", bc.path, bc.query)
			}
		})
	}
}

func BenchmarkHeadersEach(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("/*\n  X-Frame-Options: DENY\n  ! X-Powered-By\n")
	sb.WriteString("https://:project.pages.dev/*\n  X-Robots-Tag: noindex\n")
	for i := range 97 {
		fmt.Fprintf(&sb, "/section%d/*\n  Cache-Control: max-age=%d\n", i, i)
	}
	sb.WriteString("/blog/:slug\n  X-Slug: :slug\n")
	h, warnings := ParseHeaders([]byte(sb.String()))
	if len(warnings) > 0 || h.Len() != 100 {
		b.Fatal(h.Len(), warnings)
	}
	for _, bc := range []struct{ name, path string }{
		{"one-rule", "/index.html"},
		{"substitution", "/blog/hello"},
		{"last-splat", "/section96/a/b"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				h.Each("example.com", bc.path, func(unset []string, set [][2]string) { n += len(set) })
			}
		})
	}
}

func BenchmarkRoutesMatch(b *testing.B) {
	include := []string{"/api/*", "/auth/*", "/graphql", "/admin*", "/v1/users/*"}
	exclude := []string{"/api/static/*", "/*.png", "/*.css", "/assets/*"}
	paths := []string{"/api/users/42", "/assets/app.js", "/about", "/logo.png", "/graphql/"}
	for _, mode := range []struct {
		name    string
		compile func(string) routeRule
	}{{"hand", compileRouteRule}, {"regexp", regexpRouteRule}} {
		r := &Routes{Version: 1, Include: include, Exclude: exclude}
		for _, rule := range include {
			r.include = append(r.include, mode.compile(rule))
		}
		for _, rule := range exclude {
			r.exclude = append(r.exclude, mode.compile(rule))
		}
		b.Run(mode.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, p := range paths {
					r.Match(p)
				}
			}
		})
	}
}
