package assets

import (
	"bytes"

	"github.com/valyala/fasthttp"
)

// requestFacts are what the asset stage reads from the request's headers.
type requestFacts struct {
	cacheable   bool // neither Authorization nor Range is present
	notModified bool // an If-None-Match line matches the ETag
}

// readRequest reads the request headers that decide between 200 and 304 and
// whether the response may be cached (spec §2.8 step 6).
func readRequest(h *fasthttp.RequestHeader, etag []byte) requestFacts {
	var rf requestFacts
	if !normalizes(h) {
		auth, rng := false, false
		for k, v := range h.All() {
			switch {
			case bytes.EqualFold(k, strAuthorization):
				auth = true
			case bytes.EqualFold(k, strRange):
				rng = true
			case bytes.EqualFold(k, strIfNoneMatch):
				rf.notModified = rf.notModified || notModified(v, etag)
			}
		}
		rf.cacheable = !auth && !rng
		return rf
	}
	for _, v := range h.PeekAll(fasthttp.HeaderIfNoneMatch) {
		if notModified(v, etag) {
			rf.notModified = true
			break
		}
	}
	rf.cacheable = h.PeekCanonical(strAuthorization) == nil && h.PeekCanonical(strRange) == nil
	return rf
}

var (
	strAuthorization = []byte(fasthttp.HeaderAuthorization)
	strRange         = []byte(fasthttp.HeaderRange)
	strIfNoneMatch   = []byte(fasthttp.HeaderIfNoneMatch)
)
