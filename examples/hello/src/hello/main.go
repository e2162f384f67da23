// Command hello is the function behind /api/hello: it greets the name in
// the query with the GREETING of pages.toml's [vars].
package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/wasmpages/wasmpages/sdk"
)

func init() {
	sdk.HandleFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		if name == "" {
			name = "world"
		}
		fmt.Fprintf(w, "%s, %s!\n", os.Getenv("GREETING"), name)
	})
}

func main() {}
