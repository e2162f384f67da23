package config

import (
	"errors"
	"os"
	"reflect"
	"testing"
)

// FuzzParse checks that Parse never panics, that every error it returns is
// made of Problems, that a Project it returns validates again and has a
// normalized placement that validates, and that the line scanner agrees
// with the TOML parser on every document the parser accepts.
func FuzzParse(f *testing.F) {
	if data, err := os.ReadFile(examplePath); err == nil {
		f.Add(data)
	}
	for _, seed := range []string{
		head,
		head + "[placement]\nmode = \"smart\"\nhint = \"us-east\"\n",
		head + "[placement]\nhost = \"db:5432\"\n",
		head + "[placement]\nregion = \"r\"\nhostname = \"a.b\"\nhint = \"\"\n",
		head + "[limits]\nmemory = \"1.5GiB\"\ntimeout = \"1m\"\nsubrequests = 7\nrequest_body = 1\n",
		head + "[vars]\nA = 1\nB = 1.5e300\nC = true\n\"d e\" = 'x'\nF = nan\n",
		head + "domains = [\"A.com\", \"a.com\"]\n[build]\ncommand = \"\"\"\nmake\n\"\"\"\nwatch_dir = '.'\n",
		head + "build = { command = \"x\", y = { z = [1, {a = 2}] } }\n",
		"name.x = 1\n[[kv_namespaces]]\nid = 1\n[[kv_namespaces]]\n[env.preview]\nvars = {}\n",
		"name = \"x\"\n\n[limits\n",
		"a = \"\\u00e9\\x41\\e\"\n'b' = 1979-05-27 07:32:00Z\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse("pages.toml", data)
		if err != nil {
			if p != nil {
				t.Fatal("Parse returned both a project and an error")
			}
			checkProblems(t, err)
		} else {
			if err := p.Validate(); err != nil {
				t.Fatalf("a parsed project does not validate: %v\n%+v", err, p)
			}
			n := p.Placement.Normalized()
			if n.Normalized() != n {
				t.Fatalf("Normalized is not idempotent: %+v then %+v", n, n.Normalized())
			}
			q := *p
			q.Placement = n
			if err := q.Validate(); err != nil {
				t.Fatalf("a normalized placement does not validate: %v\n%+v", err, n)
			}
		}
		checkLinesAgainstParser(t, string(data), scanKeyLines(string(data)))
	})
}

// FuzzDevVars checks that parsing a .dev.vars file never panics, that every
// error is made of Problems with a line, and that a value written back in
// double quotes parses to itself.
func FuzzDevVars(f *testing.F) {
	for _, seed := range []string{
		"A=1\n# c\nexport B='x'\nC=\"multi\nline\\n\"\nD=a=b # c\n",
		"A=`x`\r\nB=\"\\\"\\\\\"\r\n",
		"\ufeffA=\"unclosed\n",
		"bad line\n=x\nA=\"x\" y\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		vars, err := parseDevVars(".dev.vars", data)
		if err != nil {
			if vars != nil {
				t.Fatal("parseDevVars returned both values and an error")
			}
			checkProblems(t, err)
			for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
				if e.(*Problem).Line < 1 {
					t.Fatalf("problem without a line: %v", e)
				}
			}
			return
		}
		for name, value := range vars {
			quoted := name + "=\"" + escapeDevVar(value) + "\"\n"
			back, err := parseDevVars(".dev.vars", []byte(quoted))
			if err != nil || !reflect.DeepEqual(back, map[string]string{name: value}) {
				t.Fatalf("%q parses to %q, %v; want %q", quoted, back, err, value)
			}
		}
	})
}

// checkProblems fails unless err joins *Problem values only.
func checkProblems(t *testing.T, err error) {
	t.Helper()
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		var p *Problem
		if !errors.As(err, &p) {
			t.Fatalf("error is not a *Problem: %T %v", err, err)
		}
		return
	}
	for _, e := range joined.Unwrap() {
		if _, ok := e.(*Problem); !ok {
			t.Fatalf("error is not a *Problem: %T %v", e, e)
		}
	}
}

// escapeDevVar escapes a value for a double-quoted .dev.vars value.
func escapeDevVar(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '"':
			b = append(b, '\\', c)
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, c)
		}
	}
	return string(b)
}
