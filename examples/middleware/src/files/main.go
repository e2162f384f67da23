// Command files serves /api/files and everything below it
// (functions/api/files/[[path]].wasm): the catch-all gives the segments.
package main

import (
	"encoding/json"
	"net/http"

	"github.com/wasmpages/wasmpages/sdk"
)

func init() {
	sdk.HandleFunc(func(w http.ResponseWriter, r *http.Request) {
		segments := sdk.Params(r)["path"]
		if segments == nil {
			segments = []string{} // /api/files itself: the catch-all matched nothing
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"method": r.Method, "segments": segments})
	})
}

func main() {}
