package assets

import (
	"strings"

	"github.com/valyala/fasthttp"
)

// headersStage runs spec §2.8 steps 7 and 8 on a response whose status is
// below 500: the default headers, then every matching _headers rule in file
// order, then, for a 404, cache-control: no-store.
//
// _headers rules are matched against the request's own host and pathname,
// not a 200 rewrite's target, as in the reference.
func (st *state) headersStage(status int) {
	h, n := &st.resp.Header, st.names
	h.SetCanonical(n.allowOrigin, strStar)
	h.SetCanonical(n.referrerPolicy, strStrictOrigin)
	if st.hasCT {
		h.SetCanonical(n.typeOptions, strNosniff)
	}
	if st.s.headers != nil {
		st.s.headers.Each(st.host, st.path, st.apply)
	}
	if status == fasthttp.StatusNotFound {
		h.DelBytes(n.cacheControl)
		h.SetCanonical(n.cacheControl, strNoStore)
	}
}

// applyRule applies one _headers rule: the names it unsets are removed, then
// each name it sets replaces any existing value the first time _headers
// sets that name in this response, and is appended to it (comma-joined, or
// as one more cookie for set-cookie) every later time.
//
// Headers that frame the message (content-length, transfer-encoding,
// connection, trailer) belong to the server and are left alone.
func (st *state) applyRule(unset []string, set [][2]string) {
	h := &st.resp.Header
	for _, name := range unset {
		if name == "" || framing(name) {
			continue
		}
		h.Del(name)
	}
	for _, kv := range set {
		name, value := kv[0], kv[1]
		if name == "" || framing(name) {
			continue
		}
		if !st.setBefore(name) {
			st.setNames = append(st.setNames, name)
			h.Del(name)
			h.Set(name, value)
			continue
		}
		if strings.EqualFold(name, fasthttp.HeaderSetCookie) {
			h.Add(name, value)
			continue
		}
		old := h.Peek(name)
		if len(old) == 0 {
			h.Set(name, value)
			continue
		}
		st.val = append(st.val[:0], old...)
		st.val = append(st.val, ", "...)
		st.val = append(st.val, value...)
		h.SetBytesV(name, st.val)
	}
}

// setBefore reports whether name was set by an earlier _headers rule.
func (st *state) setBefore(name string) bool {
	for _, n := range st.setNames {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// framing reports whether a header name is one the server manages itself.
func framing(name string) bool {
	switch strings.ToLower(name) {
	case "content-length", "transfer-encoding", "connection", "trailer":
		return true
	}
	return false
}

var (
	strStar         = []byte("*")
	strStrictOrigin = []byte("strict-origin-when-cross-origin")
	strNosniff      = []byte("nosniff")
	strNoStore      = []byte("no-store")
)
