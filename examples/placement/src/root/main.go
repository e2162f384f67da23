// Command root is the root middleware (functions/_middleware.wasm): it runs
// before every request, the static assets included. It gives every response
// an X-Request-Id, every asset a Cache-Control, and the API's responses an
// X-Backend-Queries with the count the function left in the chain's data
// (Pages' context.data), and never calls the back end: with no round trips
// to move closer to, smart placement keeps it near the user, and with it
// the assets it passes through, while the function may run near the back
// end.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"strings"

	"github.com/wasmpages/wasmpages/sdk"
)

func init() {
	sdk.Middleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := requestID()
			r.Header.Set("X-Request-Id", id) // the functions after this one see it too
			// Next, rather than next.ServeHTTP, to see the response first.
			resp, err := sdk.Next(r)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			defer resp.Body.Close()
			for k, v := range resp.Header {
				w.Header()[k] = v
			}
			w.Header().Set("X-Request-Id", id)
			if queries := sdk.Data(r); len(queries) > 0 {
				w.Header().Set("X-Backend-Queries", string(queries))
			}
			if isAsset(r) && !isPage(r.URL.Path, resp) &&
				(resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusNotModified) {
				// Scripts and styles are kept five minutes. Pages keep the
				// asset server's "public, max-age=0, must-revalidate", so a
				// new deployment shows at once (their ETag makes that a 304).
				w.Header().Set("Cache-Control", "public, max-age=300")
			}
			w.WriteHeader(resp.StatusCode)
			io.Copy(w, resp.Body)
		})
	})
}

// isAsset reports whether r goes past the functions to the static assets:
// everything outside /api, the only directory with functions.
func isAsset(r *http.Request) bool {
	p := strings.ToLower(r.URL.Path)
	return p != "/api" && !strings.HasPrefix(p, "/api/")
}

// isPage reports whether the asset at path is a page: a directory, an .html
// file, a pretty URL with no extension, or anything answered with HTML (the
// single-page-app fallback for a missing /x.js is index.html).
func isPage(path string, resp *http.Response) bool {
	name := path[strings.LastIndex(path, "/")+1:]
	return !strings.Contains(name, ".") || strings.HasSuffix(name, ".html") ||
		strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html")
}

// requestID returns 16 random hexadecimal digits.
func requestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func main() {}
