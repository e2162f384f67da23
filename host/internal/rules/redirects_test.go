package rules

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestParseRedirectsWarnings(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []Warning
	}{
		{"comments and blank lines", "# comment\n\n   \n  # indented comment\n/a /b", nil},
		{"inline comment", "/a /b 301 # note", nil},
		{"inline comment in place of status", "/a /b # note here", nil},
		{"one token", "/a", []Warning{{1, "Expected exactly 2 or 3 whitespace-separated tokens. Got 1."}}},
		{"four tokens", "/a /b 301 x", []Warning{{1, "Expected exactly 2 or 3 whitespace-separated tokens. Got 4."}}},
		{"hash as second token is not a comment", "/a #x", []Warning{{1,
			`URLs should either be relative (e.g. begin with a forward-slash), or use HTTPS (e.g. begin with "https://").`}}},
		{"absolute from", "https://example.com/a /b", []Warning{{1,
			"Only relative URLs are allowed. Skipping absolute URL https://example.com/a."}}},
		{"http to", "/a http://example.com/b", []Warning{{1,
			`URLs should either be relative (e.g. begin with a forward-slash), or use HTTPS (e.g. begin with "https://").`}}},
		{"bare word to", "/a b", []Warning{{1,
			`URLs should either be relative (e.g. begin with a forward-slash), or use HTTPS (e.g. begin with "https://").`}}},
		{"bad status", "\n/a /b 404", []Warning{{2, "Valid status codes are 200, 301, 302 (default), 303, 307, or 308. Got 404."}}},
		{"non-numeric status", "/a /b abc", []Warning{{1, "Valid status codes are 200, 301, 302 (default), 303, 307, or 308. Got abc."}}},
		{"proxy to absolute", "/a https://example.com/b 200", []Warning{{1,
			"Proxy (200) redirects can only point to relative paths. Got https://example.com/b"}}},
		{"splat to index", "/* /index.html", []Warning{{1, infiniteLoop}}},
		{"splat to index without extension", "/docs/* /docs/index 301", []Warning{{1, infiniteLoop}}},
		{"root to index", "/ /index", []Warning{{1, infiniteLoop}}},
		{"directory to index.html", "/a/ /b/index.html", []Warning{{1, infiniteLoop}}},
		{"unescaped dot in the guard", "/a/ /b/indexXhtml", []Warning{{1, infiniteLoop}}},
		{"index with a query is allowed", "/ /index.html?x=1", nil},
		{"absolute index is allowed", "/* https://example.com/index.html", nil},
		{"index from a file is allowed", "/a /index.html", nil},
		{"duplicate from", "/a /b\n/a /c", []Warning{{2, "Ignoring duplicate rule for path /a."}}},
		{"duplicate after normalisation", "/a /b\na?q=1 /c", []Warning{{2, "Ignoring duplicate rule for path /a."}}},
		{"line too long", "/a /" + strings.Repeat("b", 2000), []Warning{{0,
			"Ignoring line 1 as it exceeds the maximum allowed length of 2000."}}},
		{"line at the limit", "/a /" + strings.Repeat("b", 1995), nil},
		{"line length counts UTF-16 units", "/a /" + strings.Repeat("é", 1996), nil},
		{"astral characters count twice", "/a /" + strings.Repeat("😀", 999), []Warning{{0,
			"Ignoring line 1 as it exceeds the maximum allowed length of 2000."}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := ParseRedirects([]byte(tt.input))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("warnings = %q, want %q", got, tt.want)
			}
		})
	}
}

const infiniteLoop = "Infinite loop detected in this rule and has been ignored. This will cause a redirect to " +
	"strip `.html` or `/index` and end up triggering this rule again. Please fix or remove this rule to silence this warning."

func TestRedirectsLookup(t *testing.T) {
	type req struct{ host, path, query string }
	type res struct {
		status int
		target string
		ok     bool
	}
	tests := []struct {
		name  string
		rules string
		req   req
		want  res
	}{
		{"default status", "/a /b", req{"h", "/a", ""}, res{302, "/b", true}},
		{"explicit status and comment", "/a /b 301 # note", req{"h", "/a", ""}, res{301, "/b", true}},
		{"status via Number()", "/a /b 0x12D", req{"h", "/a", ""}, res{301, "/b", true}},
		{"fragment kept", "/a /b#frag", req{"h", "/a", ""}, res{302, "/b#frag", true}},
		{"double hash kept", "/a /b##x", req{"h", "/a", ""}, res{302, "/b##x", true}},
		{"request query kept", "/a /b#frag", req{"h", "/a", "x=1"}, res{302, "/b?x=1#frag", true}},
		{"rule query wins", "/old /new?a=1", req{"h", "/old", "b=2"}, res{302, "/new?a=1", true}},
		{"leading slash added", "yeah.com /x", req{"h", "/yeah.com", ""}, res{302, "/x", true}},
		{"from query stripped", "/c?x=1 /d", req{"h", "/c", ""}, res{302, "/d", true}},
		{"from query not matched", "/c?x=1 /d", req{"h", "/c?x=1", ""}, res{}},
		{"from dot segments", "/a/./b/../c /d", req{"h", "/a/c", ""}, res{302, "/d", true}},
		{"from encoded dot segments", "/a/%2E%2e/c /d", req{"h", "/c", ""}, res{302, "/d", true}},
		{"from percent-encoding", "/a`{}\"<>^ /d", req{"h", "/a%60%7B%7D%22%3C%3E%5E", ""}, res{302, "/d", true}},
		{"from non-ASCII", "/café /d", req{"h", "/caf%C3%A9", ""}, res{302, "/d", true}},
		{"from backslash kept", `/a\b /d`, req{"h", `/a\b`, ""}, res{302, "/d", true}},
		{"matching is on the encoded path", "/a%20b /d", req{"h", "/a%20b", ""}, res{302, "/d", true}},
		{"trailing slash is significant", "/a /d", req{"h", "/a/", ""}, res{}},
		{"case is significant", "/a /d", req{"h", "/A", ""}, res{}},
		{"to percent-encoding", "/a /b`c?d\"e#f`g", req{"h", "/a", ""}, res{302, "/b%60c?d%22e#f%60g", true}},
		{"absolute to", "/a https://example.com", req{"h", "/a", ""}, res{302, "https://example.com/", true}},
		{"absolute to with request query", "/a https://example.com/p", req{"h", "/a", "x=1"},
			res{302, "https://example.com/p?x=1", true}},
		{"absolute to with port", "/a https://example.com:8443/p?q=1", req{"h", "/a", "x=1"},
			res{302, "https://example.com:8443/p?q=1", true}},
		{"absolute to repeats its fragment", "/a https://example.com/p#h", req{"h", "/a", "x=1"},
			res{302, "https://example.com/p#h?x=1#h", true}},
		{"absolute to on the same origin", "/a https://Example.com/p", req{"example.com", "/a", "x=1"},
			res{302, "/p?x=1", true}},
		{"absolute to on the default port", "/a https://example.com:443/p", req{"EXAMPLE.com", "/a", ""},
			res{302, "/p", true}},
		{"splat", "/blog/* /news/:splat 301", req{"h", "/blog/a/b", "x=1"}, res{301, "/news/a/b?x=1", true}},
		{"empty splat", "/blog/* /news/:splat 301", req{"h", "/blog/", ""}, res{301, "/news/", true}},
		{"splat needs its prefix", "/blog/* /news/:splat 301", req{"h", "/blog", ""}, res{}},
		{"splat in the middle", "/a/*/c /x/:splat", req{"h", "/a/b/b/c", ""}, res{302, "/x/b/b", true}},
		{"splat in the to host", "/go/* https://:splat.example.com/", req{"h", "/go/www", ""},
			res{302, "https://www.example.com/", true}},
		{"placeholder", "/users/:id /u/:id", req{"h", "/users/42", ""}, res{302, "/u/42", true}},
		{"placeholder is one segment", "/users/:id /u/:id", req{"h", "/users/42/x", ""}, res{}},
		{"placeholder is not empty", "/users/:id /u/:id", req{"h", "/users/", ""}, res{}},
		{"placeholders replaced everywhere", "/p/:a /x/:a/:a?v=:a", req{"h", "/p/q", ""}, res{302, "/x/q/q?v=q", true}},
		{"placeholder inside a segment", "/f/:name.html /g/:name", req{"h", "/f/a.b.html", ""}, res{302, "/g/a.b", true}},
		{"two placeholders in a segment", "/f/:a-:b /g/:b/:a", req{"h", "/f/x-y-z", ""}, res{302, "/g/z/x-y", true}},
		{"placeholders and splat", "/:lang/docs/* /docs/:splat?lang=:lang", req{"h", "/en/docs/a/b", "x=1"},
			res{302, "/docs/a/b?lang=en", true}},
		{"substitution in order", "/:a/:b /x/:a/:b", req{"h", "/:b/foo", ""}, res{302, "/x/foo/foo", true}},
		{"dollar patterns in values", "/p/:x /q/:x", req{"h", "/p/$&", ""}, res{302, "/q/:x", true}},
		{"regexp characters are literal", "/a.b+(c)/* /x", req{"h", "/a.b+(c)/d", ""}, res{302, "/x", true}},
		{"regexp dot is literal", "/a.b /x", req{"h", "/aXb", ""}, res{}},
		{"duplicate splat never matches", "/a/*/b/* /x", req{"h", "/a/1/b/2", ""}, res{}},
		{"duplicate placeholder never matches", "/a/:id/:id /x", req{"h", "/a/1/2", ""}, res{}},
		{"rewrite", "/app/* /app.html 200", req{"h", "/app/x", "q=1"}, res{200, "/app.html", true}},
		{"rewrite drops query and fragment", "/a/:x /b/:x?q=1#f 200", req{"h", "/a/v", ""}, res{200, "/b/v", true}},
		{"rewrite to a protocol-relative path", "/a //evil.example/x 200", req{"h", "/a", ""}, res{200, "/x", true}},
		{"splat makes a protocol-relative URL", "/go/* /:splat", req{"h", "/go//evil.example", ""},
			res{302, "https://evil.example/", true}},
		{"backslash makes a protocol-relative URL", "/go/* /:splat", req{"h", `/go/\evil.example/p`, ""},
			res{302, "https://evil.example/p", true}},
		{"substituted dot segments resolve", "/go/* /b/:splat 200", req{"h", "/go/../../etc", ""}, res{200, "/etc", true}},
		{"invalid substituted host", "/go/* https://:splat/", req{"h", "/go/a%20b", ""}, res{}},
		{"no match", "/a /b", req{"h", "/b", ""}, res{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, warnings := ParseRedirects([]byte(tt.rules))
			if len(warnings) > 0 {
				t.Fatalf("warnings: %q", warnings)
			}
			status, target, ok := r.Lookup(tt.req.host, tt.req.path, tt.req.query)
			if got := (res{status, target, ok}); got != tt.want {
				t.Errorf("Lookup(%q, %q, %q) = %v, want %v", tt.req.host, tt.req.path, tt.req.query, got, tt.want)
			}
		})
	}
}

func TestRedirectsStaticBeforeDynamic(t *testing.T) {
	tests := []struct {
		name                string
		rules               string
		path                string
		want                string
		wantStatic, wantDyn int
	}{
		{"static rule beats an earlier dynamic one", "/a /static\n/* /all", "/a", "/static", 1, 1},
		{"after a dynamic rule every rule is dynamic", "/* /all\n/a /late", "/a", "/all", 0, 2},
		{"a late static-looking rule still matches", "/x/* /all\n/a /late", "/a", "/late", 0, 2},
		{"a rejected dynamic line does not make later rules dynamic", "/x/* bad\n/a /late", "/a", "/late", 1, 0},
		{"placeholders make a rule dynamic", "/u/:id /u\n/a /b", "/u/1", "/u", 0, 2},
		{"a colon without a letter is static", "/u/:1 /u\n/a /b", "/u/:1", "/u", 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := ParseRedirects([]byte(tt.rules))
			if s, d := r.Len(); s != tt.wantStatic || d != tt.wantDyn {
				t.Errorf("Len() = %d, %d, want %d, %d", s, d, tt.wantStatic, tt.wantDyn)
			}
			if _, target, _ := r.Lookup("h", tt.path, ""); target != tt.want {
				t.Errorf("target = %q, want %q", target, tt.want)
			}
		})
	}
}

// The parser only produces relative keys, but the lookup also honours an
// https:// key, taking the lower line when both exist, as the reference does.
func TestRedirectsLookupBothExactKeys(t *testing.T) {
	for _, tt := range []struct {
		hostLine, pathLine int
		want               string
	}{{1, 2, "/host"}, {3, 2, "/path"}} {
		r := &Redirects{static: map[string]*redirect{}, hostKeys: true}
		add := func(key, to string, line int) {
			d, _ := resolveDestination(to)
			r.static[key] = &redirect{line: line, status: 301, to: to, dest: d, destOK: true}
		}
		add("https://example.com/a", "/host", tt.hostLine)
		add("/a", "/path", tt.pathLine)
		if _, target, _ := r.Lookup("example.com", "/a", ""); target != tt.want {
			t.Errorf("lines %d/%d: target = %q, want %q", tt.hostLine, tt.pathLine, target, tt.want)
		}
		if _, target, _ := r.Lookup("other.example", "/a", ""); target != "/path" {
			t.Errorf("other host: target = %q, want /path", target)
		}
	}
}

func TestRedirectsStaticLimit(t *testing.T) {
	var b strings.Builder
	for i := range 2003 {
		fmt.Fprintf(&b, "/s%d /t%d\n", i, i)
	}
	b.WriteString("/d/* /x\n")
	r, warnings := ParseRedirects([]byte(b.String()))
	msg := Warning{0, "Maximum number of static rules supported is 2000. Skipping line."}
	if want := []Warning{msg, msg, msg}; !reflect.DeepEqual(warnings, want) {
		t.Fatalf("warnings = %q, want %q", warnings, want)
	}
	if s, d := r.Len(); s != 2000 || d != 1 {
		t.Errorf("Len() = %d, %d, want 2000, 1", s, d)
	}
	if _, target, _ := r.Lookup("h", "/s1999", ""); target != "/t1999" {
		t.Errorf("rule 2000: target = %q", target)
	}
	if _, _, ok := r.Lookup("h", "/s2000", ""); ok {
		t.Error("rule 2001 applied")
	}
}

func TestRedirectsDynamicLimit(t *testing.T) {
	var b strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&b, "/s%d /t%d\n", i, i)
	}
	for i := range 105 {
		fmt.Fprintf(&b, "/d%d/* /x%d/:splat\n", i, i)
	}
	// 2105 lines and the empty one after the final newline; the 101st
	// dynamic rule is at index 2100.
	r, warnings := ParseRedirects([]byte(b.String()))
	want := []Warning{{0, "Maximum number of dynamic rules supported is 100. Skipping remaining 6 lines of file."}}
	if !reflect.DeepEqual(warnings, want) {
		t.Fatalf("warnings = %q, want %q", warnings, want)
	}
	if s, d := r.Len(); s != 2000 || d != 100 {
		t.Errorf("Len() = %d, %d, want 2000, 100", s, d)
	}
	if _, target, _ := r.Lookup("h", "/d99/y", ""); target != "/x99/y" {
		t.Errorf("rule 100: target = %q", target)
	}
	if _, _, ok := r.Lookup("h", "/d100/y", ""); ok {
		t.Error("rule 101 applied")
	}
}

// Invalid lines count towards the limits, because the reference counts a
// rule before checking its destination.
func TestRedirectsLimitCountsInvalidLines(t *testing.T) {
	var b strings.Builder
	for i := range 100 {
		fmt.Fprintf(&b, "/d%d/* bad\n", i)
	}
	b.WriteString("/late/* /x\n/also /y")
	r, warnings := ParseRedirects([]byte(b.String()))
	last := warnings[len(warnings)-1]
	if want := (Warning{0, "Maximum number of dynamic rules supported is 100. Skipping remaining 2 lines of file."}); last != want {
		t.Errorf("last warning = %q, want %q", last, want)
	}
	if s, d := r.Len(); s != 0 || d != 0 {
		t.Errorf("Len() = %d, %d, want 0, 0", s, d)
	}
}

func TestRedirectsCRLF(t *testing.T) {
	r, warnings := ParseRedirects([]byte("/a /b 301\r\n\uFEFF/c /d\r\n"))
	if len(warnings) > 0 {
		t.Fatalf("warnings: %q", warnings)
	}
	if s, _ := r.Len(); s != 2 {
		t.Fatalf("static rules = %d, want 2", s)
	}
	if status, target, _ := r.Lookup("h", "/a", ""); status != 301 || target != "/b" {
		t.Errorf("Lookup = %d %q", status, target)
	}
}
