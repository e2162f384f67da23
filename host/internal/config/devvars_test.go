package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseDevVars(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want map[string]string
	}{
		{"empty", "", map[string]string{}},
		{"comments and blank lines", "# secrets\n\n   \n\t# indented comment\nA=1\n", map[string]string{"A": "1"}},
		{"spaces around", "  A = hello world  \n", map[string]string{"A": "hello world"}},
		{"equals in the value", "DSN=postgres://u:p@db/x?sslmode=disable&a=b\n", map[string]string{"DSN": "postgres://u:p@db/x?sslmode=disable&a=b"}},
		{"export prefix", "export TOKEN=abc\nexport\tB=2\nexport=3\n", map[string]string{"TOKEN": "abc", "B": "2", "export": "3"}},
		{"empty values", "A=\nB=\"\"\nC=''\n", map[string]string{"A": "", "B": "", "C": ""}},
		{"inline comments", "A=value # comment\nB=a#b\nC=#c\nD=\"x # y\" # z\n", map[string]string{"A": "value", "B": "a#b", "C": "", "D": "x # y"}},
		{"single quotes are literal", `A='a\nb "c"'` + "\n", map[string]string{"A": `a\nb "c"`}},
		{"double-quote escapes", `A="line1\nline2\ttab \"q\" back\\slash \x"` + "\n", map[string]string{"A": "line1\nline2\ttab \"q\" back\\slash \\x"}},
		{"multi-line double quotes", "KEY=\"-----BEGIN KEY-----\nabc=\n-----END KEY-----\"\nNEXT=1\n", map[string]string{"KEY": "-----BEGIN KEY-----\nabc=\n-----END KEY-----", "NEXT": "1"}},
		{"multi-line single quotes", "A='one\ntwo'\nB=2\n", map[string]string{"A": "one\ntwo", "B": "2"}},
		{"backquotes", "A=`it's \"x\"`\n", map[string]string{"A": `it's "x"`}},
		{"CRLF line ends", "A=1\r\nB=\"x\r\ny\"\r\n", map[string]string{"A": "1", "B": "x\ny"}},
		{"byte order mark", "\ufeffA=1\n", map[string]string{"A": "1"}},
		{"no final newline", "A=1", map[string]string{"A": "1"}},
		{"the last value wins", "A=1\nA=2\n", map[string]string{"A": "2"}},
		{"names with dots and dashes", "a.b-c_D9=1\n", map[string]string{"a.b-c_D9": "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseDevVars(".dev.vars", []byte(tt.in))
			if err != nil {
				t.Fatalf("parseDevVars: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseDevVars(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDevVarsErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"no equals", "A=1\nJUST_A_NAME\n", []string{`.dev.vars:2: JUST_A_NAME: expected "=" and a value after the name`}},
		{"colon syntax", "A: 1\n", []string{`.dev.vars:1: A: expected "=" after the name, not ": 1"`}},
		{"no name", "=value\n", []string{`.dev.vars:1: expected NAME=value, not "=value"`}},
		{"bad name", "MY VAR=1\n", []string{`.dev.vars:1: MY: expected "=" after the name, not "VAR=1"`}},
		{"text after the quote", "A=\"x\" y\n", []string{`.dev.vars:1: A: unexpected "y" after the closing quote`}},
		{"unclosed quote", "A=1\nB=\"abc\nC=2\n", []string{`.dev.vars:2: B: the value's " quote is not closed (from line 2 to the end of the file)`}},
		{"every bad line", "1=ok\n!x\nA=1\nB 2\nC='x' z\n", []string{
			`.dev.vars:2: expected NAME=value, not "!x"`,
			`.dev.vars:4: B: expected "=" after the name, not "2"`,
			`.dev.vars:5: C: unexpected "z" after the closing quote`,
		}},
		{"lines after a multi-line value", "A=\"1\n2\n3\"\nbad\n", []string{`.dev.vars:4: bad: expected "=" and a value after the name`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseDevVars(".dev.vars", []byte(tt.in))
			if err == nil {
				t.Fatalf("parseDevVars(%q) = %q, want an error", tt.in, got)
			}
			if lines := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(lines, tt.want) {
				t.Errorf("parseDevVars(%q) error:\n got %q\nwant %q", tt.in, lines, tt.want)
			}
		})
	}
}

func TestLoadDevVars(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".dev.vars")

	got, err := LoadDevVars(path)
	if err != nil || got == nil || len(got) != 0 {
		t.Fatalf("LoadDevVars(missing) = %v, %v; want an empty map", got, err)
	}

	if err := os.WriteFile(path, []byte("SECRET=\"a\nb\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err = LoadDevVars(path)
	if err != nil || got["SECRET"] != "a\nb" {
		t.Fatalf("LoadDevVars = %q, %v", got, err)
	}

	if err := os.WriteFile(path, []byte("oops\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDevVars(path); err == nil || !strings.HasPrefix(err.Error(), path+":1: ") {
		t.Fatalf("LoadDevVars(bad) = %v, want an error at %s:1", err, path)
	}

	if _, err := LoadDevVars(dir); err == nil || !strings.HasPrefix(err.Error(), "reading dev vars: ") {
		t.Fatalf("LoadDevVars(a directory) = %v", err)
	}
}
