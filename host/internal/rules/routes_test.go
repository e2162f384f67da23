package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func routesJSON(include, exclude []string) string {
	b, _ := json.Marshal(map[string]any{"version": 1, "include": include, "exclude": exclude})
	return string(b)
}

func manyRules(n int, prefix string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

func TestParseRoutesErrors(t *testing.T) {
	long := "/" + strings.Repeat("a", 100)
	tests := []struct {
		name     string
		input    string
		wantCode string
		wantRule string
	}{
		{"not JSON", `{"version": 1,`, RoutesInvalidJSONSpec, ""},
		{"an array", `[]`, RoutesInvalidJSONSpec, ""},
		{"null", `null`, RoutesInvalidJSONSpec, ""},
		{"no version", `{"include": ["/a"], "exclude": []}`, RoutesInvalidJSONSpec, ""},
		{"version 2", `{"version": 2, "include": ["/a"], "exclude": []}`, RoutesInvalidJSONSpec, ""},
		{"version as a string", `{"version": "1", "include": ["/a"], "exclude": []}`, RoutesInvalidJSONSpec, ""},
		{"no exclude", `{"version": 1, "include": ["/a"]}`, RoutesInvalidJSONSpec, ""},
		{"include not an array", `{"version": 1, "include": "/a", "exclude": []}`, RoutesInvalidJSONSpec, ""},
		{"keys are case-sensitive", `{"Version": 1, "include": ["/a"], "exclude": []}`, RoutesInvalidJSONSpec, ""},
		{"non-string rule", `{"version": 1, "include": [1], "exclude": []}`, RoutesInvalidJSONSpec, ""},
		{"shape before include count", `{"version": 1, "include": []}`, RoutesInvalidJSONSpec, ""},
		{"no include rules", routesJSON([]string{}, []string{"/a"}), RoutesNoIncludeRules, ""},
		{"include count before total", routesJSON([]string{}, manyRules(101, "/e")), RoutesNoIncludeRules, ""},
		{"too many rules", routesJSON(manyRules(60, "/i"), manyRules(41, "/e")), RoutesTooManyRules, ""},
		{"total before length", routesJSON(append(manyRules(100, "/i"), long), []string{}), RoutesTooManyRules, ""},
		{"100 rules is fine", routesJSON(manyRules(60, "/i"), manyRules(40, "/e")), "", ""},
		{"rule too long", routesJSON([]string{"/a", long}, []string{}), RoutesRuleTooLong, long},
		{"100 characters is fine", routesJSON([]string{long[:100]}, []string{}), "", ""},
		{"length in UTF-16 units", routesJSON([]string{"/" + strings.Repeat("é", 99)}, []string{}), "", ""},
		{"length before slash", routesJSON([]string{"a" + long}, []string{}), RoutesRuleTooLong, "a" + long},
		{"invalid rule", routesJSON([]string{"/a"}, []string{"b"}), RoutesInvalidRules, "b"},
		{"slash before overlap", routesJSON([]string{"/*", "/a", "b"}, []string{}), RoutesInvalidRules, "b"},
		{"overlap in include", routesJSON([]string{"/api/*", "/api/foo"}, []string{}), RoutesOverlapping, "/api/foo"},
		{"overlap with a later splat", routesJSON([]string{"/api/foo", "/api/*"}, []string{}), RoutesOverlapping, "/api/foo"},
		{"root splat overlaps everything", routesJSON([]string{"/x", "/*"}, []string{}), RoutesOverlapping, "/x"},
		{"overlap in exclude", routesJSON([]string{"/*"}, []string{"/a/*", "/a/b/*"}), RoutesOverlapping, "/a/b/*"},
		{"no overlap across lists", routesJSON([]string{"/*"}, []string{"/a"}), "", ""},
		{"a splat without slash does not overlap", routesJSON([]string{"/api*", "/api/foo"}, []string{}), "", ""},
		{"a duplicate splat does not overlap", routesJSON([]string{"/api/*", "/api/*"}, []string{}), "", ""},
		{"the prefix keeps its slash", routesJSON([]string{"/api/*", "/apis"}, []string{}), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRoutes([]byte(tt.input))
			if tt.wantCode == "" {
				if err != nil || r == nil {
					t.Fatalf("ParseRoutes: %v", err)
				}
				return
			}
			var re *RoutesError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want a *RoutesError", err)
			}
			if re.Code != tt.wantCode || re.Rule != tt.wantRule {
				t.Errorf("got %s rule %q, want %s rule %q (%v)", re.Code, re.Rule, tt.wantCode, tt.wantRule, err)
			}
			if !strings.Contains(err.Error(), tt.wantCode) || (tt.wantRule != "" && !strings.Contains(err.Error(), tt.wantRule)) {
				t.Errorf("Error() = %q does not name the code and rule", err)
			}
		})
	}
}

func TestParseRoutesFields(t *testing.T) {
	r, err := ParseRoutes([]byte(`{"version": 1.0, "description": "built", "include": ["/api/*"], "exclude": ["/api/static/*"], "extra": true}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != 1 || r.Description != "built" || len(r.Include) != 1 || len(r.Exclude) != 1 {
		t.Errorf("got %+v", r)
	}
	out, _ := json.Marshal(r)
	if want := `{"version":1,"description":"built","include":["/api/*"],"exclude":["/api/static/*"]}`; string(out) != want {
		t.Errorf("json = %s, want %s", out, want)
	}
}

func TestRoutesMatch(t *testing.T) {
	tests := []struct {
		rule  string
		match []string
		miss  []string
	}{
		{"/", []string{"/"}, []string{"/a", "//", ""}},
		{"/*", []string{"/", "/a", "/a/b/c", "/a.b"}, []string{"", "a"}},
		{"/api/*", []string{"/api", "/api/", "/api/x", "/api/x/y"}, []string{"/apix", "/ap", "/x/api"}},
		{"/foo*", []string{"/foo", "/foobar", "/foo/x", "/foo/"}, []string{"/fo", "/xfoo"}},
		{"/*.*", []string{"/a.b", "/x/y.png", "/."}, []string{"/", "/abc", "/a/b"}},
		{"/foo", []string{"/foo", "/foo/"}, []string{"/foo/x", "/foobar", "/foo//"}},
		{"/foo/", []string{"/foo", "/foo/"}, []string{"/foo/x", "/foo//"}},
		{"/a.b", []string{"/a.b", "/a.b/"}, []string{"/aXb"}},
		{"/a/*/c", []string{"/a/b/c", "/a/b/x/c", "/a//c", "/a/b/c/"}, []string{"/a/c", "/a/b/d"}},
		{"/a*b*c", []string{"/abc", "/aXbYc", "/abbcc", "/abc/"}, []string{"/acb", "/ab"}},
		{"/%20", []string{"/%20"}, []string{"/ "}},
		{"/Case", []string{"/Case"}, []string{"/case"}},
		// The reference leaves other regular expression syntax active.
		{"/a+", []string{"/a", "/aaa", "/aa/"}, []string{"/a+"}},
		{"/(x|y)/*", []string{"/x", "/y/z"}, []string{"/(x|y)"}},
		{"/[", nil, []string{"/[", "/"}},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			r := &Routes{Version: 1, Include: []string{tt.rule}, Exclude: []string{}}
			r.compile()
			for _, p := range tt.match {
				if !r.Match(p) {
					t.Errorf("%q does not match %q", tt.rule, p)
				}
			}
			for _, p := range tt.miss {
				if r.Match(p) {
					t.Errorf("%q matches %q", tt.rule, p)
				}
			}
		})
	}
}

func TestRoutesExcludeFirst(t *testing.T) {
	r, err := ParseRoutes([]byte(routesJSON([]string{"/api/*"}, []string{"/api/static/*", "/*.png"})))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]bool{
		"/api/users":      true,
		"/api/static/app": false,
		"/api/logo.png":   false,
		"/other":          false,
		"/api":            true,
	} {
		if got := r.Match(path); got != want {
			t.Errorf("Match(%q) = %v, want %v", path, got, want)
		}
	}
	// A Routes built by hand is compiled on the fly.
	manual := &Routes{Version: 1, Include: []string{"/api/*"}, Exclude: []string{"/api/static/*"}}
	if !manual.Match("/api/x") || manual.Match("/api/static/x") {
		t.Error("a hand-built Routes does not match")
	}
}

// The hand matcher and the reference's regular expression agree.
func TestRouteGlobMatchesRegexp(t *testing.T) {
	rules := []string{"/", "/*", "/api/*", "/api/", "/api", "/foo*", "/*.*", "/a/*/c", "/a*b*", "/a.b/*", "//", "/*/x/*"}
	paths := []string{"/", "", "/api", "/api/", "/api/x", "/apix", "/foo", "/foobar", "/a.b", "/a/b/c", "/ab", "/abab",
		"/a.b/x", "//", "///", "/y/x/", "/y/x/z", "/x", "/a", "/aXb"}
	for _, rule := range rules {
		g := compileRouteRule(rule)
		re := regexpRouteRule(rule)
		for _, p := range paths {
			if g.match(p) != re.match(p) {
				t.Errorf("rule %q path %q: glob %v, regexp %v", rule, p, g.match(p), re.match(p))
			}
		}
	}
}
