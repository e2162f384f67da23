package assets

import "testing"

// TestPrettyURLs covers every branch of spec §2.8 step 4.
func TestPrettyURLs(t *testing.T) {
	s := newSite(t, map[string]string{
		"index.html":            "root index",
		"404.html":              "not found page",
		"contact.html":          "contact",
		"about.html":            "about html",
		"team/index.html":       "team index",
		"both.html":             "both html",
		"both/index.html":       "both index",
		"docs/index.html":       "docs index",
		"docs/guide.html":       "guide",
		"plain.txt":             "plain",
		"twin":                  "twin file",
		"twin.html":             "twin html",
		".html":                 "dot html",
		"x/index/index.html":    "x index index",
		"a b/index.html":        "spaced",
		"100%.html":             "percent",
		"deep/er/page.html":     "deep page",
		"y/index.html":          "y index",
		"www.example.com/x.txt": "x",
	}, Options{})

	tests := []struct {
		name, uri string
		status    int
		body      string // for 200 and 404
		location  string // for 308
	}{
		{name: "root serves index.html", uri: "/", status: 200, body: "root index"},
		{name: "/index.html redirects to /", uri: "/index.html", status: 308, location: "/"},
		{name: "/index redirects to /", uri: "/index", status: 308, location: "/"},
		{name: "/index/ redirects to /", uri: "/index/", status: 308, location: "/"},
		{name: "nested index.html redirects to its directory", uri: "/docs/index.html", status: 308, location: "/docs/"},
		{name: "nested index redirects to its directory", uri: "/docs/index", status: 308, location: "/docs/"},
		{name: "nested index/ redirects to its directory", uri: "/docs/index/", status: 308, location: "/docs/"},
		{name: "/x/index/ serves x/index/index.html when it exists", uri: "/x/index/", status: 200, body: "x index index"},
		{name: "/y/index/ redirects to /y/", uri: "/y/index/", status: 308, location: "/y/"},
		{name: "/contact.html redirects to /contact", uri: "/contact.html", status: 308, location: "/contact"},
		{name: "/contact serves contact.html", uri: "/contact", status: 200, body: "contact"},
		{name: "/contact/ redirects to /contact", uri: "/contact/", status: 308, location: "/contact"},
		{name: "/about/ with only about.html redirects to /about", uri: "/about/", status: 308, location: "/about"},
		{name: "/team/ with team/index.html is served", uri: "/team/", status: 200, body: "team index"},
		{name: "/team redirects to /team/", uri: "/team", status: 308, location: "/team/"},
		{name: "/both/ prefers both/index.html", uri: "/both/", status: 200, body: "both index"},
		{name: "/both prefers both.html", uri: "/both", status: 200, body: "both html"},
		{name: "/both.html redirects to /both", uri: "/both.html", status: 308, location: "/both"},
		{name: ".html beside a file of the bare name is served", uri: "/twin.html", status: 200, body: "twin html"},
		{name: "bare name file served as is", uri: "/twin", status: 200, body: "twin file"},
		{name: "/.html is served", uri: "/.html", status: 200, body: "dot html"},
		{name: "non-html file served as is", uri: "/plain.txt", status: 200, body: "plain"},
		{name: "directory without index is 404", uri: "/deep/", status: 404, body: "not found page"},
		{name: "missing file is 404", uri: "/nope", status: 404, body: "not found page"},
		{name: "query kept on .html redirect", uri: "/contact.html?a=1&b=%20", status: 308, location: "/contact?a=1&b=%20"},
		{name: "query kept on index redirect", uri: "/docs/index.html?q", status: 308, location: "/docs/?q"},
		{name: "query kept on slash redirect", uri: "/team?x=y", status: 308, location: "/team/?x=y"},
		{name: "query kept on /index/ redirect", uri: "/y/index/?z=1", status: 308, location: "/y/?z=1"},
		{name: "empty query dropped", uri: "/team?", status: 308, location: "/team/"},
		{name: "percent-encoded space is decoded", uri: "/a%20b/", status: 200, body: "spaced"},
		{name: "encoded percent is decoded once", uri: "/100%25", status: 200, body: "percent"},
		{name: "malformed escape keeps the raw path", uri: "/100%", status: 200, body: "percent"},
		{name: "invalid UTF-8 keeps the raw path", uri: "/%C3%28", status: 404, body: "not found page"},
		{name: "encoded slash then index", uri: "/%2Fwww.example.com/index/", status: 308, location: "/www.example.com/"},
		{name: "double slash then index", uri: "//www.example.com/index/", status: 308, location: "/www.example.com/"},
		{name: "backslashes then index", uri: "/%5C%5Cwww.example.com/index/", status: 308, location: "/www.example.com/"},
		{name: "encoded tab then index", uri: "/%09/www.example.com/index/", status: 308, location: "/www.example.com/"},
		{name: "double-encoded slash is decoded once then stripped", uri: "/%252F%252Fwww.example.com/index/", status: 308, location: "/www.example.com/"},
		{name: "encoded spaces then index", uri: "/%20%20/www.example.com/index", status: 308, location: "/www.example.com/"},
		{name: "dot segments are resolved first", uri: "/docs/../contact", status: 200, body: "contact"},
		{name: "encoded dot segments are resolved first", uri: "/docs/%2e%2E/contact", status: 200, body: "contact"},
		{name: "non-ASCII in a Location is percent-encoded", uri: "/%C3%A9t%C3%A9/index/", status: 308, location: "/%C3%A9t%C3%A9/"},
		{name: "decoded newline in a Location is percent-encoded", uri: "/a%0Ab/index/", status: 308, location: "/a%0Ab/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := do(s, "GET", tt.uri)
			if r.status != tt.status {
				t.Fatalf("GET %s: status %d, want %d (location %q, body %q)", tt.uri, r.status, tt.status, r.get("location"), r.body)
			}
			switch tt.status {
			case 308:
				if got := r.get("location"); got != tt.location {
					t.Errorf("GET %s: location %q, want %q", tt.uri, got, tt.location)
				}
				if r.body != "" || r.has("content-type") || r.has("x-content-type-options") {
					t.Errorf("GET %s: 308 has body %q, content-type %q", tt.uri, r.body, r.get("content-type"))
				}
			default:
				if r.body != tt.body {
					t.Errorf("GET %s: body %q, want %q", tt.uri, r.body, tt.body)
				}
			}
		})
	}
}
