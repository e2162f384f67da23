// Command worker is a test advanced-mode worker: /asset/NAME answers with
// the asset NAME through the assets call; /boom panics after asking for
// pass-through; anything else answers with its path.
package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/wasmpages/wasmpages/sdk"
)

func init() {
	sdk.HandleFunc(func(w http.ResponseWriter, r *http.Request) {
		if name, ok := strings.CutPrefix(r.URL.Path, "/asset"); ok {
			resp, err := sdk.FetchAsset(name)
			if err != nil {
				http.Error(w, err.Error(), 502)
				return
			}
			defer resp.Body.Close()
			w.WriteHeader(resp.StatusCode)
			io.Copy(w, resp.Body)
			return
		}
		if r.URL.Path == "/boom" {
			sdk.PassThroughOnException(r) // refused in advanced mode
			panic("boom")
		}
		fmt.Fprintf(w, "worker:%s", r.URL.Path)
	})
}

func main() {}
