// Command mw is a test middleware: it appends "mw" to the request's data,
// asks for pass-through on /boom or ?pass=1, sleeps ?mwsleep= ms, runs the
// rest of the chain and says what the data was when the chain came back,
// in X-Chain.
package main

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wasmpages/wasmpages/sdk"
)

func init() {
	sdk.HandleFunc(func(w http.ResponseWriter, r *http.Request) {
		sdk.SetData(r, append(sdk.Data(r), "mw;"...))
		if strings.HasSuffix(r.URL.Path, "/boom") || r.URL.Query().Get("pass") != "" {
			sdk.PassThroughOnException(r)
		}
		if ms, _ := strconv.Atoi(r.URL.Query().Get("mwsleep")); ms > 0 {
			time.Sleep(time.Duration(ms) * time.Millisecond)
		}
		if r.URL.Path == "/rewrite" {
			r.URL.Path = "/hello.txt" // the asset server answers the rewritten request
		}
		resp, err := sdk.Next(r)
		if err != nil {
			http.Error(w, err.Error(), 502)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.Header().Set("X-Chain", string(sdk.Data(r)))
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	})
}

func main() {}
