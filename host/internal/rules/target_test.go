package rules

import "testing"

func TestResolveDestination(t *testing.T) {
	tests := []struct {
		ref, host, query string
		want             string // Location; "" when the reference would throw
		pathname         string
	}{
		{"/b", "h", "", "/b", "/b"},
		{"/b?x=1#f", "h", "q", "/b?x=1#f", "/b"},
		{"/b#f", "h", "q", "/b?q#f", "/b"},
		{"/b?", "h", "q", "/b?q", "/b"},
		{"/a/../b/./c", "h", "", "/b/c", "/b/c"},
		{`/a\..\b`, "h", "", "/b", "/b"},
		{"/b?x='y'", "h", "", "/b?x=%27y%27", "/b"},
		{"//evil.example/x", "h", "", "https://evil.example/x", "/x"},
		{`/\evil.example`, "h", "", "https://evil.example/", "/"},
		{"https://h/x", "h", "q", "/x?q", "/x"},
		{"https://H:443/x", "h", "", "/x", "/x"},
		{"https://h:8443/x", "h", "q", "https://h:8443/x?q", "/x"},
		{"https://user:pw@example.com", "h", "", "https://user:pw@example.com/", "/"},
		{"https://@example.com", "h", "", "https://example.com/", "/"},
		{"https://0x7f.1/", "h", "", "https://127.0.0.1/", "/"},
		{"https://example.1/", "h", "", "", ""},
		{"https://exa%6Dple.com/", "h", "", "https://example.com/", "/"},
		{"https://bücher.example/", "h", "", "https://xn--bcher-kva.example/", "/"},
		{"https://[::1]:8080/", "h", "", "https://[::1]:8080/", "/"},
		{"https://exa|mple.com/", "h", "", "", ""},
		{"https://example.com:99999/", "h", "", "", ""},
		{"https://example.com:x/", "h", "", "", ""},
		{"http://example.com/", "h", "", "", ""},
	}
	for _, tt := range tests {
		d, ok := resolveDestination(tt.ref)
		if tt.want == "" {
			if ok {
				t.Errorf("resolveDestination(%q) = %+v, want a failure", tt.ref, d)
			}
			continue
		}
		if !ok {
			t.Errorf("resolveDestination(%q) failed", tt.ref)
			continue
		}
		if got := d.location(tt.host, tt.query); got != tt.want || d.pathname != tt.pathname {
			t.Errorf("resolveDestination(%q): location %q, pathname %q, want %q, %q", tt.ref, got, d.pathname, tt.want, tt.pathname)
		}
	}
}

func TestPunycode(t *testing.T) {
	for in, want := range map[string]string{"bücher": "bcher-kva", "é": "9ca", "münchen": "mnchen-3ya", "日本語": "wgv71a119e"} {
		if got := punycode(in); got != want {
			t.Errorf("punycode(%q) = %q, want %q", in, got, want)
		}
	}
}
