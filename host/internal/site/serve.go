package site

import (
	"bytes"
	"net/http"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/abi"
	"github.com/wasmpages/wasmpages/host/internal/assets"
	"github.com/wasmpages/wasmpages/host/internal/router"
	"github.com/wasmpages/wasmpages/host/internal/runtime"
)

// Serve answers one request: through the functions when _routes.json
// sends its path to them and a chain applies (or to the advanced-mode
// worker), from the asset server otherwise. It reports whether a function
// ran, for the caller's log.
func (s *Site) Serve(ctx *fasthttp.RequestCtx) (function bool) {
	var buf [256]byte
	path := string(assets.AppendPathname(buf[:0], ctx.URI().PathOriginal()))
	var chainBuf [4]router.Match
	chain := s.chainFor(chainBuf[:0], ctx.Method(), path)
	if chain == nil {
		s.assets.Serve(&ctx.Request, &ctx.Response)
		return false
	}
	body := ctx.Request.Body()
	if int64(len(body)) > int64(s.project.Limits.RequestBody) {
		// A node serves projects with different limits from one listener.
		ctx.Error("Payload Too Large\n", fasthttp.StatusRequestEntityTooLarge)
		return true
	}
	s.serveChain(ctx, path, chain, body, nil)
	return true
}

// chainFor returns the modules a request runs through, in order, in dst's
// array if it has room, or nil when _routes.json or the route table send
// it to the asset server.
func (s *Site) chainFor(dst []router.Match, method []byte, path string) []router.Match {
	if s.include != nil && !s.include.Match(path) {
		return nil
	}
	if s.worker != nil {
		return s.worker
	}
	chain, _ := s.routes.Match(dst, string(method), path)
	if len(chain) == 0 {
		return nil
	}
	return chain
}

// writeError answers a failed invocation with its status, logging why.
func (r *request) writeError(resp *fasthttp.Response, err error) {
	s, ctx := r.s, r.ctx
	status := http.StatusInternalServerError
	if e, ok := err.(*runtime.Error); ok {
		status = e.Status
	}
	s.opts.Logger.Error("function failed", "method", string(ctx.Method()), "path", string(ctx.Path()), "status", status, "err", err)
	resp.Reset()
	resp.SetStatusCode(status)
	resp.Header.SetContentType("text/plain; charset=utf-8")
	r.placement.set(resp)
	body := http.StatusText(status) + "\n"
	if s.opts.Verbose {
		body += err.Error() + "\n"
	}
	resp.SetBodyString(body)
}

// appendRequestHead encodes the request's head for the guest, with an
// absolute URL whose path is pathname (dot segments resolved).
func appendRequestHead(dst []byte, ctx *fasthttp.RequestCtx, pathname string) []byte {
	dst = abi.AppendBytes(dst, ctx.Method())
	scheme := "http://"
	if ctx.IsTLS() {
		scheme = "https://"
	}
	host, query := ctx.Host(), ctx.URI().QueryString()
	n := len(scheme) + len(host) + len(pathname)
	if len(query) > 0 {
		n += 1 + len(query)
	}
	dst = appendU32(dst, n)
	dst = append(dst, scheme...)
	dst = append(dst, host...)
	dst = append(dst, pathname...)
	if len(query) > 0 {
		dst = append(dst, '?')
		dst = append(dst, query...)
	}
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

// placementName is in the form fasthttp normalizes header names to, so
// that setting it skips the normalizing.
var placementName = []byte("X-Placement")

func (p placementHeader) set(resp *fasthttp.Response) {
	resp.Header.SetCanonical(placementName, p.value)
}
