package metrics

import (
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// Handler returns a handler that serves the registry's metrics, as WriteTo
// writes them, to GET and HEAD with the Content-Type ContentType, compressed
// with gzip when the request accepts it (as Prometheus's scrapes do). Other
// methods get 405. The handler does no authentication: the listener that
// mounts it decides who may read it.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(r.serveHTTP)
}

func (r *Registry) serveHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "metrics: method "+req.Method+" not allowed: use GET", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Accept-Encoding")
	gz := acceptsGzip(req.Header.Values("Accept-Encoding"))
	if gz {
		h.Set("Content-Encoding", "gzip")
	}
	if req.Method == http.MethodHead {
		return
	}
	if !gz {
		r.WriteTo(w) // an error means the client went away: nothing to tell it
		return
	}
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(w)
	r.WriteTo(zw)
	zw.Close()
	zw.Reset(nil)
	gzipWriters.Put(zw)
}

// gzipWriters keeps gzip writers, each a few hundred KiB of state, between
// scrapes.
var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

// acceptsGzip reports whether Accept-Encoding values accept gzip: one of
// their codings is gzip, or "*" with no gzip entry, with a q above 0
// (RFC 9110 §12.5.3).
func acceptsGzip(values []string) bool {
	star := false
	for _, v := range values {
		for coding := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(coding, ";")
			name = strings.TrimSpace(name)
			ok := qualityAboveZero(params)
			switch {
			case strings.EqualFold(name, "gzip"), strings.EqualFold(name, "x-gzip"):
				return ok
			case name == "*":
				star = ok
			}
		}
	}
	return star
}

// qualityAboveZero reports whether the parameters of a coding leave its
// weight above zero: no q, or a q that reads as a number above 0.
func qualityAboveZero(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(p, "=")
		if strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return err == nil && q > 0
		}
	}
	return true
}
