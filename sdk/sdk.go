package sdk

import (
	"errors"
	"io"
	"net/http"

	"github.com/wasmpages/wasmpages/abi"
)

// ErrNotInHost is returned by the calls that need a wasmpages host when the
// program does not run inside one.
var ErrNotInHost = errors.New("sdk: not running inside wasmpages")

var (
	handler        http.Handler
	methodHandlers = map[string]http.Handler{}
)

// Handle registers the handler that serves every request of this function
// (Pages' onRequest). Call it from init; a later call replaces the earlier
// handler.
func Handle(h http.Handler) { handler = h }

// HandleFunc registers f as the function's handler, like Handle.
func HandleFunc(f func(http.ResponseWriter, *http.Request)) { Handle(http.HandlerFunc(f)) }

// HandleMethod registers h for one method only (Pages' onRequestGet,
// onRequestPost, ...): GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS. The
// host routes only the methods a function registers, so another file's
// route may serve the rest: a route with a method sorts before one
// without, and a GET handler does not serve HEAD. Handle, if also called,
// serves the methods without a handler of their own. It panics on another
// method.
func HandleMethod(method string, h http.Handler) {
	if methodBit(method) == 0 {
		panic("sdk: HandleMethod: wasmpages routes GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS; use Handle for " + method)
	}
	methodHandlers[method] = h
}

// HandleMethodFunc registers f for one method, like HandleMethod.
func HandleMethodFunc(method string, f func(http.ResponseWriter, *http.Request)) {
	HandleMethod(method, http.HandlerFunc(f))
}

// Middleware registers a middleware, for a function built as a
// _middleware.wasm: mw gets the rest of the chain as next (the next
// middleware, the route's function, or the static asset at the end) and
// returns the handler for this function. Calling next.ServeHTTP(w, r)
// runs the chain with r, which the middleware may have changed, and writes
// its response to w; a middleware that answers by itself does not call it.
// To read or change the response before answering, call Next instead.
//
//	sdk.Middleware(func(next http.Handler) http.Handler {
//		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//			if r.Header.Get("Authorization") == "" {
//				http.Error(w, "unauthorized", http.StatusUnauthorized)
//				return
//			}
//			next.ServeHTTP(w, r)
//		})
//	})
func Middleware(mw func(next http.Handler) http.Handler) { Handle(mw(nextHandler{})) }

// nextHandler is the rest of the chain as an http.Handler.
type nextHandler struct{}

func (nextHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	resp, err := Next(r)
	if err != nil {
		http.Error(w, "sdk: next: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// methodHandler returns the handler for a request's method.
func methodHandler(method string) http.Handler {
	if h, ok := methodHandlers[method]; ok {
		return h
	}
	return handler
}

// methodBits is what the function serves, as abi's wasmpages_methods bits.
func methodBits() int32 {
	var bits int32
	for m := range methodHandlers {
		bits |= methodBit(m)
	}
	if handler != nil || bits == 0 {
		bits |= abi.MethodAny
	}
	return bits
}

func methodBit(method string) int32 {
	for _, m := range abi.MethodBits {
		if m.Name == method {
			return m.Bit
		}
	}
	return 0
}

// Handler returns the handler registered with Handle, or nil. Tests use it
// to call the function natively with net/http/httptest.
func Handler() http.Handler { return handler }

// The request being served: an instance serves one at a time.
var current struct {
	params map[string][]string
}

// Params returns the route parameters of the request being served, from
// the file name of the function or middleware: one value for [name], the
// path segments for [[name]] (absent when it matched none). Values are as
// they appear in the URL, not decoded. Each is also the request's
// PathValue, a catch-all's segments joined with "/".
func Params(r *http.Request) map[string][]string { return current.params }

// FetchAsset requests path ("/logo.svg", "/docs/?q=1") from the project's
// asset server, which applies _redirects and _headers and pretty URLs, as
// Pages' env.ASSETS.fetch does. Redirects are returned, not followed. The
// caller closes the response body.
func FetchAsset(path string) (*http.Response, error) {
	req, err := http.NewRequest(http.MethodGet, "http://assets.local"+path, nil)
	if err != nil {
		return nil, err
	}
	return AssetsTransport.RoundTrip(req)
}
