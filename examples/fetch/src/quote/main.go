// Command quote is the function behind /api/quote: it gets a quote from the
// back end at BACKEND_URL with http.Get, and a footer from the site's own
// assets with sdk.FetchAsset, and returns both as JSON.
package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/wasmpages/wasmpages/sdk"
)

type quote struct {
	Quote  string `json:"quote"`
	Author string `json:"author"`
	Footer string `json:"footer"`
}

func init() {
	sdk.HandleFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, err := http.Get(os.Getenv("BACKEND_URL"))
		if err != nil {
			http.Error(w, "back end unreachable: "+err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			http.Error(w, "back end answered "+resp.Status, http.StatusBadGateway)
			return
		}
		var q quote
		if err := json.NewDecoder(resp.Body).Decode(&q); err != nil {
			http.Error(w, "back end sent bad JSON: "+err.Error(), http.StatusBadGateway)
			return
		}
		footer, err := sdk.FetchAsset("/footer.txt")
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		b, _ := io.ReadAll(footer.Body)
		footer.Body.Close()
		q.Footer = strings.TrimSpace(string(b))
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(q)
	})
}

func main() {}
