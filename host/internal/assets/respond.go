package assets

import (
	"os"

	"github.com/valyala/fasthttp"
)

// redirect answers a _redirects rule (spec §2.10): 301, 303, 307 and 308
// keep their status and any other becomes 302, as in the reference. The body
// is "Redirecting to <loc>" except for 308, whose reference response has
// none. target is sent as built by the rules, with control and non-ASCII
// bytes percent-encoded so that it is a valid header value.
func (st *state) redirect(status int, target string) int {
	switch status {
	case fasthttp.StatusMovedPermanently, fasthttp.StatusSeeOther,
		fasthttp.StatusTemporaryRedirect, fasthttp.StatusPermanentRedirect:
	default:
		status = fasthttp.StatusFound
	}
	st.loc = append(st.loc[:0], target...)
	st.val = appendHeaderSafe(st.val[:0], st.loc)
	st.resp.Header.SetCanonical(st.names.location, st.val)
	if status != fasthttp.StatusPermanentRedirect {
		st.setContentType(strTextPlainJS)
		st.loc = append(append(st.loc[:0], strRedirectingTo...), st.val...)
		st.setBody(st.loc)
	}
	return status
}

// permanentRedirect answers 308 to loc, a location built from the request
// path, after collapsing its leading slashes (spec §2.8 step 4).
func (st *state) permanentRedirect(loc []byte) int {
	st.val = appendHeaderSafe(st.val[:0], stripLeadingSlashes(loc))
	st.resp.Header.SetCanonical(st.names.location, st.val)
	return fasthttp.StatusPermanentRedirect
}

// lookup returns the file at key, or nil.
func (st *state) lookup(key []byte) *file {
	return st.s.files[string(key)]
}

// lookupJoin returns the file at a+b, or nil.
func (st *state) lookupJoin(a []byte, b string) *file {
	st.key = append(append(st.key[:0], a...), b...)
	return st.s.files[string(st.key)]
}

// serveAsset answers 200 with f, or 304 when If-None-Match matches its
// ETag (spec §2.8 step 6).
func (st *state) serveAsset(f *file) int {
	rf := readRequest(&st.req.Header, f.etag)
	if rf.notModified {
		return fasthttp.StatusNotModified
	}
	status := st.serveFile(f, fasthttp.StatusOK)
	if status != fasthttp.StatusOK {
		return status
	}
	st.resp.Header.SetCanonical(st.names.etag, f.etag)
	if rf.cacheable {
		st.resp.Header.SetCanonical(st.names.cacheControl, strCacheControlBrowser)
	}
	return status
}

// serveFile answers status with f's content type and body (none for HEAD,
// with the Content-Length a GET would have). A streamed file that cannot be
// opened any more is a 500.
func (st *state) serveFile(f *file, status int) int {
	resp := st.resp
	switch {
	case st.head:
		resp.Header.SetContentLength(int(f.size))
		resp.SkipBody = true
	case f.stream:
		fh, err := os.OpenInRoot(st.s.dir, f.rel)
		if err != nil {
			return fasthttp.StatusInternalServerError
		}
		resp.SetBodyStream(fh, int(f.size))
	default:
		resp.SetBodyRaw(f.data)
	}
	st.setContentType(f.ctype)
	return status
}

func (st *state) setContentType(ct []byte) {
	st.resp.Header.SetContentTypeBytes(ct)
	st.hasCT = true
}

// setBody sets a small generated body (copied), or only its length for HEAD.
func (st *state) setBody(b []byte) {
	if st.head {
		st.resp.Header.SetContentLength(len(b))
		st.resp.SkipBody = true
		return
	}
	st.resp.SetBody(b)
}

var (
	strCacheControlBrowser = []byte("public, max-age=0, must-revalidate")
	strTextPlainJS         = []byte("text/plain;charset=UTF-8")
	strRedirectingTo       = []byte("Redirecting to ")
)
