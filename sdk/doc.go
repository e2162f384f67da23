// Package sdk lets a wasmpages function be written as an ordinary net/http
// handler in standard Go.
//
// A function is a package main built as a WASI reactor:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o functions/api/hello.wasm ./src/hello
//
// It registers its handler in init (in a reactor, main is never run, but
// package main still needs an empty one):
//
//	func init() {
//		sdk.HandleFunc(func(w http.ResponseWriter, r *http.Request) {
//			fmt.Fprintf(w, "Hello, %s!", r.URL.Query().Get("name"))
//		})
//	}
//
//	func main() {}
//
// Inside the guest:
//
//   - http.Get, http.Post and any http.Client make subrequests through the
//     host (the SDK installs its transport as http.DefaultTransport). They
//     count against the project's [limits] subrequests.
//   - FetchAsset and AssetsTransport ask the project's asset server, with
//     _redirects and _headers applied, like Pages' env.ASSETS.fetch.
//   - os.Getenv reads [vars] from pages.toml and secrets (.dev.vars in dev).
//   - Anything written to stdout or stderr (fmt.Println, log.Printf) goes to
//     the node's log.
//
// An instance serves one request at a time and is reused, so package-level
// variables persist between requests. A goroutine started by a handler does
// not run after the handler returns. A handler that panics fails the
// invocation: the client gets a 500 (or the static asset, after
// PassThroughOnException), the panic goes to the log, and the next request
// gets a fresh instance.
//
// Pages' other function features map to:
//
//   - onRequestGet, onRequestPost, ...: HandleMethod; onRequest: Handle.
//   - params: Params, and r.PathValue.
//   - _middleware: Middleware (or Handle with a handler that calls Next).
//   - context.next(): Next, or next.ServeHTTP in Middleware.
//   - context.data: Data and SetData (bytes; the encoding is yours).
//   - passThroughOnException: PassThroughOnException.
//
// Outside wasip1 (on the developer's machine, in unit tests and go vet) the
// package builds too: Handle records the handler, which a test can call
// through Handler, and FetchAsset returns ErrNotInHost.
//
// The host-guest contract underneath is package abi.
package sdk
