package forward

import (
	"strings"

	"github.com/valyala/fasthttp"
)

// The internal headers of forwarded requests and their responses (see the
// package doc). Every one starts with HeaderPrefix.
const (
	HeaderPrefix      = "x-wasmpages-"
	HeaderProject     = "x-wasmpages-project"
	HeaderDeployment  = "x-wasmpages-deployment"
	HeaderChain       = "x-wasmpages-chain"
	HeaderRoute       = "x-wasmpages-route"
	HeaderIngress     = "x-wasmpages-ingress"
	HeaderTimestamp   = "x-wasmpages-timestamp"
	HeaderNonce       = "x-wasmpages-nonce"
	HeaderPassThrough = "x-wasmpages-pass-through"
	HeaderDataLength  = "x-wasmpages-data-length"
	HeaderDataSHA256  = "x-wasmpages-data-sha256"
	HeaderSignature   = "x-wasmpages-signature"

	// HeaderFailed, set to "1" on a response, tells the ingress that a
	// module of the chain failed and the chain passes through on exception.
	HeaderFailed = "x-wasmpages-failed"
	// HeaderRefused, set to "1" on a 409 response, tells the ingress that
	// the target does not run the deployment, so it runs the request itself.
	HeaderRefused = "x-wasmpages-refused"
	// HeaderExec, on a response, is how long the forwarded part of the
	// chain took on the target, in microseconds.
	HeaderExec = "x-wasmpages-exec"
	// HeaderBackends, on a response, lists the forwarded module's round
	// trips to back ends: "origin count microseconds", comma-separated.
	HeaderBackends = "x-wasmpages-backends"
)

// IsInternal reports whether a header name is one of the internal ones: it
// starts with HeaderPrefix, in any case.
func IsInternal(name []byte) bool {
	return len(name) >= len(HeaderPrefix) && strings.EqualFold(string(name[:len(HeaderPrefix)]), HeaderPrefix)
}

// Strip deletes every internal header (see IsInternal) from h, including
// those announced as trailers. The public listener calls it on every
// request a client sends, so that only nodes speak these headers.
func Strip(h *fasthttp.RequestHeader) {
	var names [][]byte
	for k, v := range h.All() {
		names = collectInternal(names, k, v)
	}
	for _, name := range names {
		h.DelBytes(name)
	}
}

// StripResponse deletes every internal header (see IsInternal) from h,
// including those announced as trailers. The ingress calls it on a
// target's response before the user sees it.
func StripResponse(h *fasthttp.ResponseHeader) {
	var names [][]byte
	for k, v := range h.All() {
		names = collectInternal(names, k, v)
	}
	for _, name := range names {
		h.DelBytes(name)
	}
}

// collectInternal appends a copy of name to names if it is internal, and
// of each internal name a Trailer header announces.
func collectInternal(names [][]byte, name, value []byte) [][]byte {
	if IsInternal(name) {
		return append(names, append([]byte(nil), name...))
	}
	if strings.EqualFold(string(name), fasthttp.HeaderTrailer) {
		for t := range strings.SplitSeq(string(value), ",") {
			if t = strings.TrimSpace(t); IsInternal([]byte(t)) {
				names = append(names, []byte(t))
			}
		}
	}
	return names
}
