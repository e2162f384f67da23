// Package forward is the wire contract and the client of forwarded requests:
// a node (the ingress) runs part of a request's chain of modules on a node
// of another region (the target) by sending it the request, as the module at
// chain position k would receive it, over a kept-alive HTTP/1.1 connection
// to the target's cluster listener (DESIGN.md "A request's path" step 5 and
// "Forwarded requests"). The target runs chain[k:] and answers.
//
// [Signer] signs ([Signer.Sign]) and verifies ([Signer.Verify],
// [ReadData]) the envelope; [Client] sends signed requests to peers;
// [Strip], [StripResponse] and [IsInternal] keep the internal headers off
// the public listener.
//
// # Request
//
// A forwarded request is an ordinary HTTP/1.1 request to the target's
// cluster URL (such as http://10.0.1.5:7443). Its method, request URI
// (path?query) and Host header are the user's request as module k sees it;
// its headers are the user's headers plus these internal ones:
//
//	x-wasmpages-project       the project, a DNS label (1 to 63 of a-z, 0-9, '-', no '-' at either end)
//	x-wasmpages-deployment    the deployment id the request is pinned to: 64 lowercase hex digits
//	x-wasmpages-chain         k, the chain position to run from: decimal, no leading zeros, at most 999999
//	x-wasmpages-route         the route the ingress resolved the chain for ("GET /api/x"), each byte
//	                          outside '!'..'~' and each '%' written as %XX; omitted when empty
//	x-wasmpages-ingress       the ingress region, a DNS label
//	x-wasmpages-timestamp     when the request was signed: Unix milliseconds, decimal
//	x-wasmpages-nonce         16 random bytes: 32 lowercase hex digits
//	x-wasmpages-pass-through  "1" when the chain fails open (pass-through on exception); omitted otherwise
//	x-wasmpages-data-length   the length of the chain's shared data: decimal, at most 1048576; omitted when 0
//	x-wasmpages-data-sha256   the SHA-256 of the shared data: 64 lowercase hex digits; only with data
//	x-wasmpages-signature     HMAC-SHA256 of the canonical string below: 64 lowercase hex digits
//
// The body is the chain's shared data (exactly data-length bytes) followed
// by the user's request body, streamed: neither side buffers the user's
// body, whatever its size.
//
// # Signature
//
// The signature is HMAC-SHA256, under the cluster secret, of the canonical
// string: "wasmpages-forward-v1" and then, each on its own line (lines
// joined by "\n", no newline at the end), the method, the request URI and
// the Host header as sent, then the values of project, deployment, chain,
// route (as encoded in its header, empty when omitted), ingress,
// timestamp, nonce, pass-through ("1" or "0"), data-length ("0" when
// omitted) and data-sha256 (empty when omitted). No value may hold a
// newline, so the string reads one way only.
//
// The user's headers and body are not covered: run the cluster listener
// with TLS across networks that are not trusted. The signature
// authenticates the sending node and pins the request to a deployment, a
// chain position and a route; the shared data is pinned by its digest,
// checked by [ReadData]; the timestamp and the nonce stop replays: a
// target refuses a timestamp further than its window (10 s by default)
// from its own clock, either way, and a nonce it has seen within twice
// that window.
//
// # Response
//
// The response is an ordinary HTTP response, streamed. The target may add
// x-wasmpages-failed: 1 (a module of the chain failed and the chain passes
// through on exception, so the ingress answers from its asset server) or,
// with status 409, x-wasmpages-refused: 1 (the target does not run the
// deployment as active, so the ingress runs the request itself). When the
// forwarded modules changed the chain's shared data, the target sends
// x-wasmpages-data-length and the body starts with the new data, as a
// request's does ([SetResponseData], [ReadResponseData]). The ingress
// strips every internal header from the response before the user sees it
// ([StripResponse]), and the public listener strips them from every
// request a client sends ([Strip]).
//
// # The cluster listener
//
// A [Client] keeps idle connections for 5 s; the cluster listener must keep
// them longer (its IdleTimeout, such as 60 s), so that the client, not the
// server, closes an idle connection and a request is never written to a
// connection the server is closing.
//
// Its fasthttp server streams request bodies (StreamRequestBody) and must
// not pre-parse multipart forms (DisablePreParseMultipartForm): the body
// starts with the shared data, so a user's multipart body is not one until
// [ReadData] has read the data. Its handler calls [Signer.Verify], then
// [ReadData] on the body stream, then reads the user's body from the rest
// of the stream. fasthttp gives a request without a body (a GET, say) no
// body stream at all: RequestBodyStream returns nil, which ReadData takes
// as an empty body and the handler must too.
package forward
