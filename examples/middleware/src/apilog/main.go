// Command apilog is the middleware of /api (functions/api/_middleware.wasm):
// it logs each API request with its status and time, and says how long it
// took in a response header.
package main

import (
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/wasmpages/wasmpages/sdk"
)

func init() {
	sdk.HandleFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		// Next, rather than next.ServeHTTP, to see the response first.
		resp, err := sdk.Next(r)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		took := time.Since(start)
		fmt.Printf("api: %s %s -> %d in %s\n", r.Method, r.URL.Path, resp.StatusCode, took)
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.Header().Set("X-Response-Time", took.String())
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	})
}

func main() {}
