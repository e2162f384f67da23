package rules

import "testing"

func TestJSReplaceAll(t *testing.T) {
	tests := []struct{ str, search, repl, want string }{
		{"/a/:x/:x", ":x", "v", "/a/v/v"},
		{"/a/:x", ":x", "$&$&", "/a/:x:x"},
		{"/a/:x/b", ":x", "[$`]", "/a/[/a/]/b"},
		{"/a/:x/b", ":x", "[$']", "/a/[/b]/b"},
		{"/a/:x", ":x", "$$", "/a/$"},
		{"/a/:x", ":x", "$1$<n>$", "/a/$1$<n>$"},
		{"/a", ":x", "v", "/a"},
	}
	for _, tt := range tests {
		if got := jsReplaceAll(tt.str, tt.search, tt.repl); got != tt.want {
			t.Errorf("jsReplaceAll(%q, %q, %q) = %q, want %q", tt.str, tt.search, tt.repl, got, tt.want)
		}
	}
}

func TestJSNumber(t *testing.T) {
	for s, want := range map[string]float64{"301": 301, "0x12D": 301, "0o455": 301, "0b100101101": 301,
		"301.0": 301, "3.01e2": 301, "+301": 301, "0301": 301, "301.": 301} {
		if got, ok := jsNumber(s); !ok || got != want {
			t.Errorf("jsNumber(%q) = %v, %v, want %v", s, got, ok, want)
		}
	}
	for _, s := range []string{"abc", "1_000", "0x", "-0x10", "1e", "++1", "0x1p3", ".", "301a"} {
		if got, ok := jsNumber(s); ok {
			t.Errorf("jsNumber(%q) = %v, want NaN", s, got)
		}
	}
}
