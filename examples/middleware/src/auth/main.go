// Command auth is the root middleware (functions/_middleware.wasm): it runs
// before every request, static pages included. Requests under /api need
// the bearer token of API_TOKEN; the user it names goes to the functions
// after it as the request's data.
package main

import (
	"net/http"
	"os"
	"strings"

	"github.com/wasmpages/wasmpages/sdk"
)

func init() {
	sdk.Middleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(strings.ToLower(r.URL.Path), "/api/") {
				token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
				if !ok || token != os.Getenv("API_TOKEN") {
					w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
					http.Error(w, "unauthorized", http.StatusUnauthorized)
					return // the chain stops here: no next
				}
				sdk.SetData(r, []byte("user=ada"))
			}
			next.ServeHTTP(w, r)
		})
	})
}

func main() {}
