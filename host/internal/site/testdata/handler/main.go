// Command handler is a test route function: it answers with its method,
// parameters and the request's data, panics on /boom, sleeps ?sleep= ms,
// and adds "handler" to the data.
package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/wasmpages/wasmpages/sdk"
)

func init() {
	sdk.HandleFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/boom") {
			panic("boom")
		}
		if ms, _ := strconv.Atoi(r.URL.Query().Get("sleep")); ms > 0 {
			time.Sleep(time.Duration(ms) * time.Millisecond)
		}
		data := string(sdk.Data(r))
		sdk.SetData(r, append(sdk.Data(r), "handler;"...))
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"method": r.Method, "params": sdk.Params(r), "data": data})
	})
}

func main() {}
