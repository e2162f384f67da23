// Command user serves GET /api/users/[id] (functions/api/users/[id].wasm),
// and only GET: other methods fall through to the next route, here none,
// so they reach the static assets, which answer 405.
package main

import (
	"encoding/json"
	"net/http"

	"github.com/wasmpages/wasmpages/sdk"
)

func init() {
	sdk.HandleMethodFunc("GET", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{
			"id":     r.PathValue("id"),
			"viewer": string(sdk.Data(r)), // set by the root middleware
		})
	})
}

func main() {}
