package rules

import "testing"

func TestExtractPathname(t *testing.T) {
	tests := []struct {
		in           string
		search, hash bool
		want         string
	}{
		{"/a/b", false, false, "/a/b"},
		{"a", false, false, "/a"},
		{"", false, false, "/"},
		{"/a/./b/../c", false, false, "/a/c"},
		{"/a/%2e/b/%2E%2e/c", false, false, "/a/c"},
		{"/a/.", false, false, "/a/"},
		{"/a/..", false, false, "/"},
		{"/..", false, false, "/"},
		{"//host/x", false, false, "//host/x"},
		{`/a\..\b`, false, false, `/a\..\b`},
		{"/a b`{}^\"<>", false, false, "/a%20b%60%7B%7D%5E%22%3C%3E"},
		{"/é\x80", false, false, "/%C3%A9%EF%BF%BD"},
		{"/a%zz", false, false, "/a%zz"},
		{"/a\tb\x01", false, false, "/ab"},
		{"/c?x=1#f", false, false, "/c"},
		{"/c?x=1 'y'#f`g", true, true, "/c?x=1%20'y'#f%60g"},
		{"/c?#", true, true, "/c"},
		{"/b##x", true, true, "/b##x"},
		{"/b#f?x", true, true, "/b#f?x"},
	}
	for _, tt := range tests {
		if got := extractPathname(tt.in, tt.search, tt.hash); got != tt.want {
			t.Errorf("extractPathname(%q, %v, %v) = %q, want %q", tt.in, tt.search, tt.hash, got, tt.want)
		}
	}
}

func TestValidateURL(t *testing.T) {
	const either = `URLs should either be relative (e.g. begin with a forward-slash), or use HTTPS (e.g. begin with "https://").`
	tests := []struct {
		token                        string
		onlyRelative, noPorts, extra bool
		want, msg                    string
	}{
		{"/a?q#h", false, false, true, "/a?q#h", ""},
		{"https://example.com", false, false, false, "https://example.com/", ""},
		{"https:///example.com/a", false, false, false, "https://example.com/a", ""},
		{"https://example.com?x=1", false, false, true, "https://example.com?x=1/", ""},
		{"https://Example.com:8080/a", false, false, false, "https://Example.com:8080/a", ""},
		{"https://example.com:8080/a", false, true, false, "", "Specifying ports is not supported. Skipping absolute URL https://example.com:8080/a."},
		{"https://example.com/a", true, true, false, "", "Only relative URLs are allowed. Skipping absolute URL https://example.com/a."},
		{"https://", true, true, false, "/https://", ""},
		{"HTTPS://example.com", false, false, false, "", either},
		{"http://example.com", false, false, false, "", either},
		{"example.com", true, true, false, "/example.com", ""},
	}
	for _, tt := range tests {
		got, msg := validateURL(tt.token, tt.onlyRelative, tt.noPorts, tt.extra, tt.extra)
		if got != tt.want || msg != tt.msg {
			t.Errorf("validateURL(%q) = %q, %q, want %q, %q", tt.token, got, msg, tt.want, tt.msg)
		}
	}
}
