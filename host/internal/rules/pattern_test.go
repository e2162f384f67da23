package rules

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// describe renders a compiled pattern as the reference's regular expression
// would read, with (?<name>...) groups.
func describe(p *pattern) string {
	var b strings.Builder
	for _, t := range p.toks {
		switch t.kind {
		case literal:
			b.WriteString(t.text)
		case splat:
			b.WriteString("(?<" + t.text + ">.*)")
		case segment:
			b.WriteString("(?<" + t.text + ">[^/]+)")
		case hostLabel:
			b.WriteString("(?<" + t.text + ">[^/.]+)")
		}
	}
	return b.String()
}

func TestCompilePattern(t *testing.T) {
	tests := []struct {
		rule   string
		want   string // "" when the reference cannot compile the rule
		regexp bool   // whether matching needs the regexp
	}{
		{"/a/b", "/a/b", false},
		{"/a/*", "/a/(?<splat>.*)", false},
		{"/*/b", "/(?<splat>.*)/b", false},
		{"/*/b/*", "", false},
		{"/:id", "/(?<id>[^/]+)", false},
		{"/a/:id/b", "/a/(?<id>[^/]+)/b", false},
		{"/a:id", "/a(?<id>[^/]+)", false},
		{"/:1", "/:1", false},
		{"/:a_1/x", "/(?<a_1>[^/]+)/x", false},
		{"/:a/:a", "", false},
		{"/:a/:ab", "", false}, // ":a" also replaces the start of ":ab"
		{"/:ab/:a", "/(?<ab>[^/]+)/(?<a>[^/]+)", false},
		{"/*/:splat", "", false},
		{"/:a-:b", "/(?<a>[^/]+)-(?<b>[^/]+)", true},
		{"/:a*", "/(?<a>[^/]+)(?<splat>.*)", true},
		{"/:name.html", "/(?<name>[^/]+).html", false},
		{"/:lang/*", "/(?<lang>[^/]+)/(?<splat>.*)", false},
		{"/*.:ext", "/(?<splat>.*).(?<ext>[^/]+)", true},
		{"https://:sub.example.com/*", "https://(?<sub>[^/.]+).example.com/(?<splat>.*)", false},
		{"https://:project.pages.dev/:path", "https://(?<project>[^/.]+).pages.dev/(?<path>[^/]+)", false},
		{"https://example.com/:sub.x", "https://example.com/(?<sub>[^/]+).x", false},
		{"https://:a:b.com/", "https://(?<a>[^/]+)(?<b>[^/.]+).com/", true},
		{"https://:a*.com/", "https://(?<a>[^/]+)(?<splat>.*).com/", true},
		{"https://:sub/x", "https://(?<sub>[^/.]+)/x", false},
		{"https://:sub.x.com/:sub", "", false},
		{"http://:sub.x.com/", "http://(?<sub>[^/]+).x.com/", false},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			p, ok := compilePattern(tt.rule)
			if tt.want == "" {
				if ok {
					t.Fatalf("compiled to %s, want a failure", describe(p))
				}
				return
			}
			if !ok {
				t.Fatal("failed to compile")
			}
			if got := describe(p); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if (p.re != nil) != tt.regexp {
				t.Errorf("uses regexp = %v, want %v", p.re != nil, tt.regexp)
			}
		})
	}
}

func TestPatternMatch(t *testing.T) {
	tests := []struct {
		rule    string
		subject string
		caps    []string // nil: no match
	}{
		{"/a/*", "/a/", []string{""}},
		{"/a/*", "/a", nil},
		{"/*/b", "/x/b/b", []string{"x/b"}},
		{"/:a-:b", "/x-y-z", []string{"x-y", "z"}},
		{"/:a-:b", "/x", nil},
		{"/*.:ext", "/a.b/c.tar.gz", []string{"a.b/c.tar", "gz"}},
		{"/*.:ext", "/a.b/c", nil},
		{"/:a*", "/xy/z", []string{"xy", "/z"}},
		{"/:name.html", "/a.b.html", []string{"a.b"}},
		{"/:name.html", "/.html", nil},
		{"/a/:id/b", "/a//b", nil},
		{"https://:sub.example.com/*", "https://www.example.com/x/y", []string{"www", "x/y"}},
		{"https://:sub.example.com/*", "https://a.b.example.com/x", nil},
		{"https://:sub/x", "https://host/x", []string{"host"}},
		{"https://:a:b.com/", "https://xyz.com/", []string{"xy", "z"}},
		{"/a.b", "/aXb", nil},
		{"/(a)+", "/(a)+", []string{}},
	}
	for _, tt := range tests {
		p, ok := compilePattern(tt.rule)
		if !ok {
			t.Fatalf("%q: failed to compile", tt.rule)
		}
		caps, matched := p.match(tt.subject, nil)
		if tt.caps == nil {
			if matched {
				t.Errorf("%q matches %q with %q", tt.rule, tt.subject, caps)
			}
			continue
		}
		if caps == nil {
			caps = []string{}
		}
		if !matched || !reflect.DeepEqual(caps, tt.caps) {
			t.Errorf("%q on %q: %v %q, want %q", tt.rule, tt.subject, matched, caps, tt.caps)
		}
	}
}

// FuzzPatternMatch checks the hand matcher against RE2 running the same
// expression, whose leftmost-first captures are JavaScript's.
func FuzzPatternMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"/a/*", "/a/b"}, {"/:a/:b", "/x/y"}, {"/:name.html", "/a.b.html"}, {"/*/b", "/x/b/b"},
		{"https://:sub.example.com/*", "https://www.example.com/x"}, {"/f/:id/x.:ext", "/f/1/x.png"},
		{"\x80", "0"}, {"https://\x80:a-:b/", "https://x-y/"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, rule, subject string) {
		p, ok := compilePattern(rule)
		if !ok {
			return
		}
		got, matched := p.match(subject, nil)
		// RE2 reads an invalid byte of the subject as U+FFFD; the hand
		// matcher compares bytes.
		if p.re != nil || !utf8.ValidString(subject) {
			return
		}
		re := regexp.MustCompile(p.regexpSource())
		idx := re.FindStringSubmatchIndex(subject)
		if (idx != nil) != matched {
			t.Fatalf("%q on %q: hand %v, regexp %v", rule, subject, matched, idx != nil)
		}
		for i := 0; matched && i < len(got); i++ {
			if want := subject[idx[2+2*i]:idx[3+2*i]]; got[i] != want {
				t.Fatalf("%q on %q: capture %d hand %q, regexp %q", rule, subject, i, got[i], want)
			}
		}
	})
}
