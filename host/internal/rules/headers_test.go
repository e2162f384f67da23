package rules

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestParseHeadersWarnings(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []Warning
	}{
		{"reference example", "# comment\n/secure/page\n  X-Frame-Options: DENY\n  ! X-Powered-By\n" +
			"https://:project.pages.dev/*\n  X-Robots-Tag: noindex", nil},
		{"header before any path", "X-A: 1\n/a\n  X-B: 2", []Warning{{1, "Path should come before header (x-a: 1)"}}},
		{"line before any path", "hello\n/a\n  X-B: 2", []Warning{{1, "Expected a path beginning with at least one forward-slash"}}},
		{"unset without space", "/a\n  !X-Powered-By", []Warning{
			{2, "Expected a colon-separated header pair (e.g. name: value)"}, {1, "No headers specified"}}},
		{"no headers", "/a\n/b\n  X: 1\n/c", []Warning{{1, "No headers specified"}, {4, "No headers specified"}}},
		{"name with a space", "/a\n  X A: 1\n  X: 1", []Warning{{2, "Header name cannot include spaces"}}},
		{"unset with a colon", "/a\n  ! X: 1\n  X: 1", []Warning{{2, "Header name cannot include spaces"}}},
		{"empty name", "/a\n  : 1\n  X: 1", []Warning{{2, "No header name specified"}}},
		{"empty value", "/a\n  X:  \n  Y: 1", []Warning{{2, "No header value specified"}}},
		{"port", "https://example.com:8080/a\n  X: 1", []Warning{{1,
			"Specifying ports is not supported. Skipping absolute URL https://example.com:8080/a."}}},
		{"http scheme", "http://example.com/a\n  X: 1\n  nocolon", []Warning{{1,
			`URLs should either be relative (e.g. begin with a forward-slash), or use HTTPS (e.g. begin with "https://").`}}},
		{"a header that looks like a URL", "/a\n  Link:<https://x>", []Warning{{1, "No headers specified"}, {2,
			`URLs should either be relative (e.g. begin with a forward-slash), or use HTTPS (e.g. begin with "https://").`}}},
		{"two wildcards", "/a/*/b/*\n  X: 1", []Warning{{1,
			"Only one wildcard is allowed per rule. Use a named placeholder (e.g. :project) instead. Skipping /a/*/b/*."}}},
		{"wildcard and splat", "/a/*/:splat\n  X: 1", []Warning{{1,
			"Cannot combine a wildcard * with a :splat placeholder because wildcards are converted to :splat at runtime. Skipping /a/*/:splat."}}},
		{"errors other than placement still reported after a rejected path", "http://x/\n  X A: 1\n  X:", []Warning{
			{1, `URLs should either be relative (e.g. begin with a forward-slash), or use HTTPS (e.g. begin with "https://").`},
			{2, "Header name cannot include spaces"}, {3, "No header value specified"}}},
		{"line too long", "/a\n  X: " + strings.Repeat("v", 1998) + "\n  Y: 1", []Warning{{0,
			"Ignoring line 2 as it exceeds the maximum allowed length of 2000."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := ParseHeaders([]byte(tt.input))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("warnings = %q, want %q", got, tt.want)
			}
		})
	}
}

type headerMatch struct {
	Unset []string
	Set   [][2]string
}

func collect(h *Headers, host, path string) []headerMatch {
	var out []headerMatch
	h.Each(host, path, func(unset []string, set [][2]string) {
		out = append(out, headerMatch{unset, set})
	})
	return out
}

func TestHeadersEach(t *testing.T) {
	tests := []struct {
		name       string
		rules      string
		host, path string
		want       []headerMatch
	}{
		{"names lowercased, unset case kept", "/secure/page\n  X-Frame-Options: DENY\n  ! X-Powered-By",
			"h", "/secure/page", []headerMatch{{[]string{"X-Powered-By"}, [][2]string{{"x-frame-options", "DENY"}}}}},
		{"bang with colon sets a header", "/a\n  !X: v", "h", "/a", []headerMatch{{nil, [][2]string{{"!x", "v"}}}}},
		{"repeated name joined", "/a\n  X-A: 1\n  Cache-Control: no-cache\n  x-a: 2", "h", "/a",
			[]headerMatch{{nil, [][2]string{{"x-a", "1, 2"}, {"cache-control", "no-cache"}}}}},
		{"split on the first colon", "/a\n  Link: <https://x.example/a>; rel=preload", "h", "/a",
			[]headerMatch{{nil, [][2]string{{"link", "<https://x.example/a>; rel=preload"}}}}},
		{"all matching rules in file order", "/*\n  A: 1\n/a\n  B: 2\n/b\n  C: 3\n/a*\n  D: 4", "h", "/a",
			[]headerMatch{{nil, [][2]string{{"a", "1"}}}, {nil, [][2]string{{"b", "2"}}}, {nil, [][2]string{{"d", "4"}}}}},
		{"query and fragment dropped", "/a?x=1#f\n  A: 1", "h", "/a", []headerMatch{{nil, [][2]string{{"a", "1"}}}}},
		{"protocol-relative is a path", "//host/x\n  A: 1", "h", "//host/x", []headerMatch{{nil, [][2]string{{"a", "1"}}}}},
		{"protocol-relative does not match the host", "//host/x\n  A: 1", "host", "/x", nil},
		{"splat substituted", "/static/*\n  X-Path: /s/:splat", "h", "/static/a/b",
			[]headerMatch{{nil, [][2]string{{"x-path", "/s/a/b"}}}}},
		{"placeholder substituted", "/blog/:slug\n  X-Slug: :slug-:slug", "h", "/blog/hello",
			[]headerMatch{{nil, [][2]string{{"x-slug", "hello-hello"}}}}},
		{"placeholder is one segment", "/blog/:slug\n  X-Slug: :slug", "h", "/blog/a/b", nil},
		{"absolute rule", "https://example.com/*\n  A: 1", "example.com", "/x", []headerMatch{{nil, [][2]string{{"a", "1"}}}}},
		{"absolute rule ignores the request's case", "https://example.com/*\n  A: 1", "EXAMPLE.com", "/x",
			[]headerMatch{{nil, [][2]string{{"a", "1"}}}}},
		{"absolute rule on another host", "https://example.com/*\n  A: 1", "other.example", "/x", nil},
		{"host placeholder", "https://:project.pages.dev/*\n  X-Robots-Tag: noindex\n  X-Project: :project",
			"foo.pages.dev", "/x", []headerMatch{{nil, [][2]string{{"x-robots-tag", "noindex"}, {"x-project", "foo"}}}}},
		{"host placeholder is one label", "https://:project.pages.dev/*\n  X-Robots-Tag: noindex",
			"a.foo.pages.dev", "/x", nil},
		{"rejected path drops its headers", "http://x/a\n  A: 1\n/a\n  B: 2", "h", "/a",
			[]headerMatch{{nil, [][2]string{{"b", "2"}}}}},
		{"same path twice: the later rule, in the earlier place", "/a\n  X: 1\n/*\n  Y: 2\n/a\n  Z: 3", "h", "/a",
			[]headerMatch{{nil, [][2]string{{"z", "3"}}}, {nil, [][2]string{{"y", "2"}}}}},
		{"duplicate placeholder never matches", "/:a/:a\n  X: 1", "h", "/b/c", nil},
		{"unset only", "/a\n  ! Server", "h", "/a", []headerMatch{{[]string{"Server"}, nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := ParseHeaders([]byte(tt.rules))
			if got := collect(h, tt.host, tt.path); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Each(%q, %q) = %q, want %q", tt.host, tt.path, got, tt.want)
			}
		})
	}
}

func headerRules(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "/r%d\n  X-Rule: %d\n", i, i)
	}
	return b.String()
}

func TestHeadersLimit(t *testing.T) {
	tests := []struct {
		name  string
		rules int
		len   int
		want  []Warning
	}{
		{"100 rules", 100, 100, nil},
		// The parser stops at the first path line after 100 complete rules,
		// but still keeps the rule in progress: 101 rules pass.
		{"101 rules", 101, 101, nil},
		// 150 rules are 300 lines and the empty one after the final newline;
		// rule 102 starts at index 202.
		{"150 rules", 150, 101, []Warning{{0, "Maximum number of rules supported is 100. Skipping remaining 99 lines of file."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, warnings := ParseHeaders([]byte(headerRules(tt.rules)))
			if !reflect.DeepEqual(warnings, tt.want) {
				t.Errorf("warnings = %q, want %q", warnings, tt.want)
			}
			if h.Len() != tt.len {
				t.Errorf("Len() = %d, want %d", h.Len(), tt.len)
			}
			if got := collect(h, "h", "/r100"); tt.len > 100 && len(got) != 1 {
				t.Errorf("rule 101 did not apply")
			}
			if got := collect(h, "h", "/r101"); len(got) != 0 {
				t.Errorf("rule 102 applied")
			}
		})
	}
}

// TestHeadersIndex: the index by first segment finds exactly the rules a
// test of every rule would, in the same order.
func TestHeadersIndex(t *testing.T) {
	h, _ := ParseHeaders([]byte(strings.Join([]string{
		"/*", "  a: 1", "/docs/*", "  b: 2", "/docs", "  c: 3", "/doc*", "  d: 4", "/:lang/docs", "  e: 5",
		"/", "  f: 6", "https://:sub.example.com/*", "  g: 7", "/api/:id/x", "  h: 8", "/docs/:page", "  i: 9",
		"/a*b", "  j: 10", "/docs/", "  k: 11",
	}, "\n")))
	all := &Headers{rules: h.rules}
	for i := range h.rules {
		all.always = append(all.always, i)
	}
	collect := func(h *Headers, host, path string) string {
		var out []string
		h.Each(host, path, func(unset []string, set [][2]string) { out = append(out, fmt.Sprint(set)) })
		return strings.Join(out, " ")
	}
	for _, path := range []string{"/", "/docs", "/docs/", "/docs/x", "/doc", "/docsx", "/en/docs", "/api/1/x",
		"/ab", "/a/b", "/x", "", "/DOCS/x", "/docs//x"} {
		for _, host := range []string{"www.example.com", "other.org"} {
			if got, want := collect(h, host, path), collect(all, host, path); got != want {
				t.Errorf("%s%s: indexed %q, every rule %q", host, path, got, want)
			}
		}
	}
}
