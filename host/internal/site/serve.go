package site

import (
	"bytes"
	"context"
	"net/http"
	"sync"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/abi"
	"github.com/wasmpages/wasmpages/host/internal/runtime"
)

// Serve answers one request: a function if a route matches it, the asset
// server otherwise. It reports whether a function ran, for the caller's log.
func (s *Site) Serve(ctx *fasthttp.RequestCtx) (function bool) {
	route, _, ok := s.routes.Match(string(ctx.Path()))
	if !ok {
		s.assets.Serve(&ctx.Request, &ctx.Response)
		return false
	}
	if err := s.broken[route.Module]; err != nil {
		s.fail(ctx, &runtime.Error{Status: http.StatusInternalServerError, Module: "functions/" + route.Module, Reason: "failed to load", Err: err})
		return true
	}
	s.invoke(ctx, s.modules[route.Module])
	return true
}

var callPool = sync.Pool{New: func() any { return new(runtime.Call) }}

// invoke runs a module for the request and writes its response.
func (s *Site) invoke(ctx *fasthttp.RequestCtx, m *runtime.Module) {
	c := callPool.Get().(*runtime.Call)
	defer func() {
		c.Reset()
		callPool.Put(c)
	}()
	c.RequestHead = appendRequestHead(c.RequestHead[:0], ctx)
	c.RequestBody = ctx.Request.Body()
	c.Fetcher = s.fetcher.with(ctx)
	c.Limits = s.limits
	if err := m.Invoke(context.Background(), c); err != nil {
		s.fail(ctx, err)
		return
	}
	resp := &ctx.Response
	d := abi.NewDecoder(c.ResponseHead)
	status, _ := d.Uint32()
	resp.SetStatusCode(int(status))
	for d.More() {
		// The runtime validated the head, so it decodes.
		name, _ := d.Bytes()
		value, _ := d.Bytes()
		if hopByHop(name) {
			continue
		}
		resp.Header.AddBytesKV(name, value)
	}
	s.header.set(resp)
	resp.SetBody(c.ResponseBody)
}

// fail answers a failed invocation with its status, logging why.
func (s *Site) fail(ctx *fasthttp.RequestCtx, err error) {
	status := http.StatusInternalServerError
	if e, ok := err.(*runtime.Error); ok {
		status = e.Status
	}
	s.opts.Logger.Error("function failed", "method", string(ctx.Method()), "path", string(ctx.Path()), "status", status, "err", err)
	resp := &ctx.Response
	resp.Reset()
	resp.SetStatusCode(status)
	resp.Header.SetContentType("text/plain; charset=utf-8")
	s.header.set(resp)
	body := http.StatusText(status) + "\n"
	if s.opts.Verbose {
		body += err.Error() + "\n"
	}
	resp.SetBodyString(body)
}

// appendRequestHead encodes the request's head for the guest, with an
// absolute URL.
func appendRequestHead(dst []byte, ctx *fasthttp.RequestCtx) []byte {
	dst = abi.AppendBytes(dst, ctx.Method())
	scheme := "http://"
	if ctx.IsTLS() {
		scheme = "https://"
	}
	host, uri := ctx.Host(), ctx.RequestURI()
	dst = appendU32(dst, len(scheme)+len(host)+len(uri))
	dst = append(dst, scheme...)
	dst = append(dst, host...)
	dst = append(dst, uri...)
	for name, value := range ctx.Request.Header.All() {
		dst = abi.AppendBytes(dst, name)
		dst = abi.AppendBytes(dst, value)
	}
	return dst
}

func appendU32(dst []byte, n int) []byte {
	return append(dst, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
}

// hopByHop reports whether a response header belongs to the connection,
// not the response, and so is the server's to set, not the guest's.
func hopByHop(name []byte) bool {
	for _, h := range hopHeaders {
		if bytes.EqualFold(name, h) {
			return true
		}
	}
	return false
}

var hopHeaders = [][]byte{
	[]byte("Content-Length"), []byte("Transfer-Encoding"), []byte("Connection"),
	[]byte("Keep-Alive"), []byte("Upgrade"), []byte("Trailer"),
}

// placementHeader is the x-placement header of function responses,
// precomputed.
type placementHeader struct{ value []byte }

func newPlacementHeader(v string) placementHeader { return placementHeader{[]byte(v)} }

var placementName = []byte("x-placement")

func (p placementHeader) set(resp *fasthttp.Response) {
	resp.Header.SetBytesKV(placementName, p.value)
}
