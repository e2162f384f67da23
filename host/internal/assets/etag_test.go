package assets

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

func TestNotModified(t *testing.T) {
	const etag = `"0123456789abcdef0123456789abcdef"`
	tests := []struct {
		header string
		want   bool
	}{
		{etag, true},
		{"W/" + etag, true},
		{"*", true},
		{` ` + etag + ` `, true},
		{`"x", ` + etag, true},
		{`"x",W/` + etag + `,"y"`, true},
		{"\t" + etag + "\t,", true},
		{``, false},
		{`"x"`, false},
		{`W/"x", "y"`, false},
		{`0123456789abcdef0123456789abcdef`, false},
		{`w/` + etag, false},
		{`W/`, false},
		{`"0123456789abcdef0123456789abcdef`, false},
		{`**`, false},
		{`,,,`, false},
	}
	for _, tt := range tests {
		if got := notModified([]byte(tt.header), []byte(etag)); got != tt.want {
			t.Errorf("notModified(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

// TestETag covers spec §2.8 step 6: the strong ETag and If-None-Match.
func TestETag(t *testing.T) {
	const content = "hello, etag"
	s := newSite(t, map[string]string{"page.html": content}, Options{})
	sum := sha256.Sum256([]byte(content))
	want := `"` + hex.EncodeToString(sum[:])[:32] + `"`

	r := do(s, "GET", "/page")
	if got := r.get("etag"); got != want {
		t.Fatalf("etag %q, want %q", got, want)
	}

	tests := []struct {
		name, inm string
		status    int
	}{
		{"strong", want, 304},
		{"weak", "W/" + want, 304},
		{"list", `"other", W/"more", ` + want, 304},
		{"star", "*", 304},
		{"other", `"0000"`, 200},
		{"unquoted", want[1 : len(want)-1], 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, method := range []string{"GET", "HEAD"} {
				r := do(s, method, "/page", "If-None-Match", tt.inm)
				if r.status != tt.status {
					t.Fatalf("%s If-None-Match %s: %d, want %d", method, tt.inm, r.status, tt.status)
				}
				if tt.status != 304 {
					continue
				}
				// The reference's 304 carries only the headers stage.
				if r.body != "" || r.has("content-type") || r.has("etag") || r.has("cache-control") || r.has("x-content-type-options") {
					t.Errorf("%s 304 has body %q or headers %v", method, r.body, r.header)
				}
				if r.get("access-control-allow-origin") != "*" {
					t.Errorf("%s 304 lacks the default headers: %v", method, r.header)
				}
			}
		})
	}

	t.Run("two header lines", func(t *testing.T) {
		if r := do(s, "GET", "/page", "If-None-Match", `"a"`, "If-None-Match", want); r.status != 304 {
			t.Fatalf("status %d, want 304", r.status)
		}
	})
	t.Run("not for the 404 page", func(t *testing.T) {
		s := newSite(t, map[string]string{"404.html": "nf"}, Options{})
		if r := do(s, "GET", "/x", "If-None-Match", "*"); r.status != 404 || r.body != "nf" {
			t.Fatalf("status %d body %q, want 404 nf", r.status, r.body)
		}
	})
	t.Run("same content same etag", func(t *testing.T) {
		s := newSite(t, map[string]string{"a.txt": content, "b/c.txt": content, "d.txt": content + "!"}, Options{})
		a, c, d := do(s, "GET", "/a.txt").get("etag"), do(s, "GET", "/b/c.txt").get("etag"), do(s, "GET", "/d.txt").get("etag")
		if a != want || c != want || d == want {
			t.Fatalf("etags %s %s %s", a, c, d)
		}
	})
}
