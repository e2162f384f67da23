package assets

import (
	"strings"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/host/internal/rules"
	"github.com/wasmpages/wasmpages/internal/benchsite"
)

// benchRules parses a _redirects of 2,000 static rules and a _headers of 100
// rules, the reference's limits, of the shapes bench/static uses: no redirect
// matches the files benchmarked, and of the headers rules only "/*" (one
// header) does.
func benchRules(b *testing.B) (*rules.Redirects, *rules.Headers) {
	redirects, rw := rules.ParseRedirects(benchsite.Redirects())
	headers, hw := rules.ParseHeaders(benchsite.Headers())
	if static, _ := redirects.Len(); static != 2000 || headers.Len() != 100 || len(rw)+len(hw) > 0 {
		b.Fatal(static, headers.Len(), rw, hw)
	}
	return redirects, headers
}

// BenchmarkServeRules measures a plain 200 GET of an in-memory file with the
// real rules at their limits (2,000 _redirects rules, 100 _headers rules)
// against none, and each file alone, so that the per-request cost of the
// rules is visible without wrk.
//
//	go test -run '^$' -bench ServeRules -benchmem ./host/internal/assets/
func BenchmarkServeRules(b *testing.B) {
	redirects, headers := benchRules(b)
	files := map[string]string{
		"1k.txt":   strings.Repeat("a", 1<<10),
		"100k.bin": strings.Repeat("b", 100<<10),
	}
	for _, file := range []struct{ name, uri string }{{"1KiB", "/1k.txt"}, {"100KiB", "/100k.bin"}} {
		for _, bc := range []struct {
			name string
			opts Options
			hit  bool // the "/*" _headers rule applies
		}{
			{"none", Options{}, false},
			{"redirects", Options{Redirects: redirects}, false},
			{"headers", Options{Headers: headers}, true},
			{"both", Options{Redirects: redirects, Headers: headers}, true},
		} {
			b.Run(file.name+"/"+bc.name, func(b *testing.B) {
				s := newSite(b, files, bc.opts)
				req := fasthttp.AcquireRequest()
				resp := fasthttp.AcquireResponse()
				defer fasthttp.ReleaseRequest(req)
				defer fasthttp.ReleaseResponse(resp)
				req.SetRequestURI(file.uri)
				req.Header.SetHost("example.com")
				req.Header.Set("Accept-Encoding", "gzip, br")
				req.Header.Set("User-Agent", "bench")
				s.Serve(req, resp)
				got := string(resp.Header.Peek("X-Frame-Options"))
				if resp.StatusCode() != 200 || len(resp.Body()) != len(files[file.uri[1:]]) || (got == "DENY") != bc.hit {
					b.Fatalf("status %d, %d bytes, x-frame-options %q", resp.StatusCode(), len(resp.Body()), got)
				}
				b.ReportAllocs()
				for b.Loop() {
					resp.Reset()
					s.Serve(req, resp)
				}
			})
		}
	}
}
