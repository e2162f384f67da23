package site

import (
	"net"
	"os"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/internal/testguest"
)

// BenchmarkServe measures a function request on the host's side, without a
// network: fasthttp's request context in memory, through Serve, for a
// guest that answers through the ABI directly (the host's own path) and
// for examples/hello's net/http handler, against a bare fasthttp handler.
//
//	go test -run '^$' -bench Serve -benchmem ./host/internal/site/
func BenchmarkServe(b *testing.B) {
	bare := func(ctx *fasthttp.RequestCtx) {
		ctx.SetContentType("text/plain; charset=utf-8")
		ctx.WriteString("Hello, bench!\n")
	}
	b.Run("bare", func(b *testing.B) { benchServe(b, bare, "/api/hello?name=bench") })
	for _, g := range []struct{ name, src, route string }{
		{"raw", "../../../bench/throughput/raw/src/raw", "functions/raw.wasm"},
		{"hello", "../../../examples/hello/src/hello", "functions/api/hello.wasm"},
	} {
		b.Run(g.name, func(b *testing.B) {
			wasm, err := os.ReadFile(testguest.Build(b, g.src))
			if err != nil {
				b.Fatal(err)
			}
			s, err := load(b, project(b, map[string]string{g.route: string(wasm), "public/index.html": "home"}))
			if err != nil {
				b.Fatal(err)
			}
			path := "/raw"
			if g.name == "hello" {
				path = "/api/hello?name=bench"
			}
			benchServe(b, func(ctx *fasthttp.RequestCtx) { s.Serve(ctx) }, path)
		})
	}
}

func benchServe(b *testing.B, h fasthttp.RequestHandler, uri string) {
	var ctx fasthttp.RequestCtx
	var req fasthttp.Request
	req.SetRequestURI("http://127.0.0.1:8788" + uri)
	req.Header.Set("User-Agent", "wrk")
	ctx.Init(&req, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40000}, nil)
	b.ReportAllocs()
	for b.Loop() {
		ctx.Response.Reset()
		h(&ctx)
		if ctx.Response.StatusCode() != 200 {
			b.Fatalf("status %d: %s", ctx.Response.StatusCode(), ctx.Response.Body())
		}
	}
}
