package assets

import (
	"reflect"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestCanonicalNames checks that canonicalNames is fasthttp's spelling, so
// that a _headers rule naming one of them replaces it rather than adding a
// second header.
func TestCanonicalNames(t *testing.T) {
	c, l := reflect.ValueOf(canonicalNames), reflect.ValueOf(lowerNames)
	for i := range c.NumField() {
		canonical, lower := string(c.Field(i).Bytes()), string(l.Field(i).Bytes())
		if strings.ToLower(canonical) != lower {
			t.Errorf("%s: %q and %q differ", c.Type().Field(i).Name, canonical, lower)
		}
		var resp fasthttp.Response
		resp.Header.SetCanonical([]byte(canonical), []byte("1"))
		resp.Header.Set(lower, "2")
		if got := readResponse(&resp).header[lower]; len(got) != 1 || got[0] != "2" {
			t.Errorf("%q is not fasthttp's canonical spelling: %q", canonical, got)
		}
	}
}

// TestRawHeaderNames serves a request whose headers are not normalised, as
// with a server's DisableHeaderNamesNormalizing.
func TestRawHeaderNames(t *testing.T) {
	s := newSite(t, map[string]string{"a.txt": "a", "b.txt": "b"}, Options{
		Headers: sliceHeaders{{path: "/a.txt", set: [][2]string{{"cache-control", "max-age=9"}, {"etag", `"x"`}}}},
	})
	etag := s.files["/a.txt"].etag
	serve := func(uri string, hdr ...string) *fasthttp.Response {
		req := fasthttp.AcquireRequest()
		defer fasthttp.ReleaseRequest(req)
		req.Header.DisableNormalizing()
		req.SetRequestURI(uri)
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Add(hdr[i], hdr[i+1])
		}
		resp := fasthttp.AcquireResponse()
		resp.Header.DisableNormalizing()
		s.Serve(req, resp)
		if !resp.Header.DisableNormalizing() || !req.Header.DisableNormalizing() {
			t.Error("Serve changed the normalising setting")
		}
		return resp
	}

	resp := serve("/a.txt", "IF-NONE-MATCH", string(etag))
	if resp.StatusCode() != 304 {
		t.Errorf("IF-NONE-MATCH: %d, want 304", resp.StatusCode())
	}
	fasthttp.ReleaseResponse(resp)

	resp = serve("/a.txt")
	if r := readResponse(resp); r.status != 200 || len(r.header["cache-control"]) != 1 || r.get("cache-control") != "max-age=9" ||
		len(r.header["etag"]) != 1 || r.get("etag") != `"x"` {
		t.Errorf("replaced by _headers: %d\n%s", resp.StatusCode(), resp.Header.String())
	}
	fasthttp.ReleaseResponse(resp)

	for _, name := range []string{"authorization", "RANGE"} {
		resp = serve("/b.txt", name, "x")
		if r := readResponse(resp); r.status != 200 || r.has("cache-control") {
			t.Errorf("%s: %d\n%s", name, resp.StatusCode(), resp.Header.String())
		}
		fasthttp.ReleaseResponse(resp)
	}

	// Normalising stays on when it was on.
	r := do(s, "GET", "/a.txt")
	if len(r.header["etag"]) != 1 || r.get("cache-control") != "max-age=9" {
		t.Errorf("normalised: %v", r.header)
	}
}
