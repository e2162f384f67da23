package assets

import (
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// BenchmarkServe measures a plain 200 GET of an in-memory file, the hot path,
// without rules and with a _redirects and a _headers that match nothing.
//
//	go test -run '^$' -bench Serve -benchmem -count 6 ./host/internal/assets/
func BenchmarkServe(b *testing.B) {
	files := map[string]string{
		"1k.txt":   strings.Repeat("a", 1<<10),
		"100k.bin": strings.Repeat("b", 100<<10),
	}
	rules := Options{
		Redirects: &mapRedirects{rules: map[string]redirectRule{"/old": {301, "/new"}}},
		Headers:   sliceHeaders{{path: "/secure", set: [][2]string{{"x-frame-options", "DENY"}}}},
	}
	for _, bc := range []struct {
		name, uri string
		opts      Options
	}{
		{"1KiB", "/1k.txt", Options{}},
		{"100KiB", "/100k.bin", Options{}},
		{"1KiB/rules", "/1k.txt", rules},
		{"100KiB/rules", "/100k.bin", rules},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := newSite(b, files, bc.opts)
			req := fasthttp.AcquireRequest()
			resp := fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			req.SetRequestURI(bc.uri)
			req.Header.SetHost("example.com")
			req.Header.Set("Accept-Encoding", "gzip, br")
			req.Header.Set("User-Agent", "bench")
			s.Serve(req, resp)
			if resp.StatusCode() != 200 || len(resp.Body()) == 0 {
				b.Fatalf("status %d", resp.StatusCode())
			}
			b.ReportAllocs()
			for b.Loop() {
				resp.Reset()
				s.Serve(req, resp)
			}
		})
	}
}
