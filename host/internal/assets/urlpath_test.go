package assets

import "testing"

func TestAppendPathname(t *testing.T) {
	for raw, want := range map[string]string{
		"":                 "/",
		"/":                "/",
		"*":                "/*",
		"a/b":              "/a/b",
		"/a/b":             "/a/b",
		"//a":              "//a",
		"/a//b/":           "/a//b/",
		"/a/./b":           "/a/b",
		"/a/.":             "/a/",
		"/a/..":            "/",
		"/a/../b":          "/b",
		"/..":              "/",
		"/../../x":         "/x",
		"/a/b/../../..":    "/",
		"/a/%2e/b":         "/a/b",
		"/a/%2E%2e/b":      "/b",
		"/a/.%2e/b":        "/b",
		"/a/%2e./b":        "/b",
		"/a/%2e%2e":        "/",
		"/a/..%2f/b":       "/a/..%2f/b",
		"/a/...":           "/a/...",
		"/a/%2e%2e%2e":     "/a/%2e%2e%2e",
		"\\a\\..\\b":       "/b",
		"/a\\b":            "/a/b",
		"/a b":             "/a%20b",
		"/\"<>`{}#?":       "/%22%3C%3E%60%7B%7D%23%3F",
		"/é":               "/%C3%A9",
		"/\x7f\x00":        "/%7F%00",
		"/%41%zz%":         "/%41%zz%",
		"/a;b=c/d,e!$&'()": "/a;b=c/d,e!$&'()",
	} {
		if got := string(appendPathname([]byte("keep"), []byte(raw))); got != "keep"+want {
			t.Errorf("appendPathname(%q) = %q, want %q", raw, got[4:], want)
		}
	}
}

func TestAppendQuery(t *testing.T) {
	for raw, want := range map[string]string{
		"":          "",
		"a=1&b=2":   "a=1&b=2",
		"a='x y'":   "a=%27x%20y%27",
		"q=é":       "q=%C3%A9",
		"%zz=%20?/": "%zz=%20?/",
	} {
		if got := string(appendQuery(nil, []byte(raw))); got != want {
			t.Errorf("appendQuery(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestAppendDecoded(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"/a%20b", "/a b", true},
		{"/%2F%2f", "///", true},
		{"/%25", "/%", true},
		{"/%2500", "/%00", true},
		{"/%C3%A9", "/é", true},
		{"/%F0%9F%98%80", "/😀", true},
		{"/plain", "/plain", true},
		{"/%", "", false},
		{"/%4", "", false},
		{"/%zz", "", false},
		{"/%C3", "", false},
		{"/%C3%28", "", false},
		{"/%C0%AF", "", false},       // overlong '/'
		{"/%ED%A0%80", "", false},    // surrogate
		{"/%F4%90%80%80", "", false}, // above U+10FFFF
		{"/%FF", "", false},
	}
	for _, tt := range tests {
		got, ok := appendDecoded([]byte("x"), []byte(tt.in))
		if ok != tt.ok || ok && string(got) != "x"+tt.want || !ok && string(got) != "x" {
			t.Errorf("appendDecoded(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestStripLeadingSlashes(t *testing.T) {
	for in, want := range map[string]string{
		"/":                       "/",
		"/a/":                     "/a/",
		"//evil.com/":             "/evil.com/",
		"///evil.com":             "/evil.com",
		"/\\evil.com":             "/evil.com",
		"\\\\evil.com":            "/evil.com",
		"/%2Fevil.com":            "/evil.com",
		"/%2f%5C%5c%09evil.com":   "/evil.com",
		"/%2F%2Fevil.com/%2F":     "/evil.com/%2F",
		"/ \t\n\v\f\revil.com":    "/evil.com",
		"/\u00a0\u2028\ufeffx":    "/x",
		"/\u3000/evil.com":        "/evil.com",
		"/%2g":                    "/%2g",
		"/%2":                     "/%2",
		"a//b":                    "a//b",
		"/\u00e9/":                "/\u00e9/",
		"/a/?next=//evil.com":     "/a/?next=//evil.com",
		"/%252F/evil.com":         "/%252F/evil.com",
		"/\x01/evil.com":          "/\x01/evil.com",
		"/\u200a\u2000\u205fx":    "/x",
		"/\u200bx":                "/\u200bx", // zero-width space is not \s
		"/\u180ex":                "/\u180ex", // nor is the Mongolian vowel separator
		"/\u2029\u202f\u1680/x/y": "/x/y",
	} {
		if got := string(stripLeadingSlashes([]byte(in))); got != want {
			t.Errorf("stripLeadingSlashes(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHostname(t *testing.T) {
	for in, want := range map[string]string{
		"example.com":      "example.com",
		"example.com:8080": "example.com",
		"[::1]:8080":       "[::1]",
		"[::1]":            "[::1]",
		"":                 "",
	} {
		if got := string(hostname([]byte(in))); got != want {
			t.Errorf("hostname(%q) = %q, want %q", in, got, want)
		}
	}
}
