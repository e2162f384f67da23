// Package abi is the contract between a wasmpages host and the WebAssembly
// functions it runs (ABI version 1). This package doc is the specification: a
// guest written in C, Rust or any language that targets WASI preview 1 can be
// built against it without the Go SDK.
//
// # Module shape
//
// A function is a WASI preview 1 reactor: it exports "_initialize" (run once
// per instance, before anything else), a linear memory named "memory", and
// two functions of its own:
//
//	wasmpages_abi_version() -> i32   returns 1 (Version)
//	wasmpages_handle() -> i32        handles one request; returns 0
//
// A module may also export
//
//	wasmpages_methods() -> i32       the methods it serves
//
// a bit set of MethodGet (1), MethodHead (2), MethodPost (4), MethodPut (8),
// MethodPatch (16), MethodDelete (32) and MethodOptions (64), plus MethodAny
// (bit 31) if it also serves every other method. These are Pages'
// onRequestGet ... onRequest: a route with a method sorts before the same
// route without one, and GET does not serve HEAD. A module without the
// export serves every method. The host calls it once, at load.
//
// The host checks at load time that both exports exist with these
// signatures and that wasmpages_abi_version returns a version it speaks;
// otherwise the module is refused with a message naming it. An instance
// handles one request at a time and is reused for later requests, so
// globals persist between requests (as in a Workers isolate). A nonzero
// result from wasmpages_handle, a trap or proc_exit discards the instance.
//
// The guest may import anything from "wasi_snapshot_preview1" and the
// functions below from the import module "wasmpages_v1" (ImportModule).
// Every parameter and result of those is an i32.
//
// Two needs are met by WASI itself rather than by host functions, so that
// every language's standard library works unchanged:
//
//   - Environment: the project's [vars] and secrets are the instance's WASI
//     environment (environ_get): os.Getenv in Go, getenv in C,
//     std::env::var in Rust.
//   - Logging: each line a guest writes to stdout or stderr goes to the
//     node's log, prefixed with the module's name.
//
// Clocks and random numbers are real; there is no filesystem and no socket.
//
// # Results
//
// Every host function returns an i32. A negative value is an error code
// (ErrFault, ErrInvalid, ...); zero or a positive value is success and its
// meaning is given per function. Host functions never trap on guest input:
// a pointer or length outside the guest's memory is ErrFault.
//
// Functions that copy a variable-length value into the guest (request_head,
// fetch_head) take a buffer and return the value's full length. If
// that length is larger than the buffer, nothing is copied and the guest
// calls again with a buffer at least that large.
//
// # Encoding of a head
//
// A request head and a response head travel as one byte string. All
// integers are little-endian u32; a string is its u32 length followed by
// its bytes (not NUL-terminated).
//
//	request head:   string method, string url, then header pairs
//	response head:  u32 status, then header pairs
//	header pair:    string name, string value
//
// Header pairs continue to the end of the head; a name may repeat. The url of
// an incoming request is absolute ("https://example.com/path?query"); for
// fetch it must be absolute for FetchNetwork and may be a path
// ("/logo.svg") for FetchAssets. EncodeRequestHead, DecodeRequestHead,
// EncodeResponseHead and DecodeResponseHead implement the encoding.
//
// # Host functions (import module "wasmpages_v1")
//
//	request_head(buf, buf_len) -> len
//	    Copies the incoming request's head (method, absolute URL, headers)
//	    into buf. Returns its length, see Results.
//
//	request_body_read(buf, buf_len) -> n
//	    Reads up to buf_len bytes of the request body into buf. Returns the
//	    number of bytes read, 0 at the end of the body.
//
//	response_head(head, head_len) -> 0
//	    Sets the response's status and headers from a response head. Call it
//	    once, before any response_body_write; a second call is ErrState.
//	    A status outside 200..599 is ErrInvalid. The high 16 bits of the
//	    status word are flags: SniffContentType (1<<16) asks the host to set
//	    Content-Type from the body when the head has none.
//
//	response_body_write(buf, buf_len) -> 0
//	    Appends buf to the response body. ErrState before response_head;
//	    ErrLimit once the body would exceed the project's response_body
//	    limit (the client then gets 502).
//
//	fetch(kind, head, head_len, body, body_len) -> handle
//	    Sends a subrequest described by a request head and a complete body
//	    (body_len 0 for none) and waits for its response head. kind is
//	    FetchNetwork (an outbound HTTP request, counted against the
//	    project's subrequests limit; ErrLimit past it) or FetchAssets (the
//	    project's asset server, with _redirects and _headers applied, as
//	    Pages' env.ASSETS.fetch). Returns a handle > 0 for the response,
//	    ErrNetwork if no response could be had (connection refused, DNS,
//	    timeout), ErrInvalid for a malformed head or URL. The host does not
//	    follow redirects: a 3xx is returned as it is.
//
//	fetch_head(handle, buf, buf_len) -> len
//	    Copies the subrequest's response head into buf. Returns its length,
//	    see Results; ErrNotFound for an unknown handle.
//
//	fetch_body_read(handle, buf, buf_len) -> n
//	    Reads the subrequest's response body; 0 at the end.
//
//	fetch_close(handle) -> 0
//	    Releases a handle. Handles still open when wasmpages_handle returns
//	    are released by the host.
//
//	request_params(buf, buf_len) -> len
//	    Copies the route parameters of the match into buf (see Results), in
//	    route order, each as: string name, u32 count, then count strings.
//	    [name] gives one value; [[name]] gives its segments, and is absent
//	    when it matched none. Values are as in the URL, not decoded.
//
//	data_get(buf, buf_len) -> len
//	data_set(buf, buf_len) -> 0
//	    Read and replace the request's data: one byte string shared by every
//	    module of the chain (Pages' context.data), empty at the start. Any
//	    encoding is the guest's choice; the Go SDK's is its caller's.
//
//	pass_through_on_exception() -> 0
//	    If this invocation or a later one in the chain then fails (a trap, a
//	    nonzero result from wasmpages_handle, no response), the request is
//	    answered by the asset server instead of a 500 (Pages'
//	    passThroughOnException). A time limit is not an exception: it
//	    still answers 504. ErrState in advanced mode (_worker.wasm), where
//	    Pages does not offer it either.
//
// # Chains: middleware and next
//
// A request runs through a chain: each _middleware module whose directory
// contains the route (root first), then the route's module. fetch with
// kind FetchNext (2) runs the rest of the chain with the request described
// by its head and body (the guest's own request, or a rewritten one) and
// returns the response as for any fetch; the module may change it before
// answering, or answer without calling next at all. At the end of the
// chain, next asks the asset server. A FetchNext head's URL may be a path,
// resolved against the incoming request's URL. Next may be called once.
//
// # Limits
//
// Each invocation of wasmpages_handle runs under the project's [limits]: a
// wall-clock timeout, shared by all the modules of a request's chain (the
// call is interrupted, a sleep included, and the client gets 504), a memory
// cap (memory.grow fails past it), a subrequest count and body sizes.
// A guest that returns from wasmpages_handle without calling response_head
// gets a 500 for the client.
package abi
