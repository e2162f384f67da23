// Command echo is a test function for clusters: it answers with what it
// got (method, URL, the body's length and SHA-256, the chain's data), its
// VERSION var and its API_KEY secret, after sleeping ?sleep= ms. When the
// REQUIRE var names a variable, it fails to start without it, as a Go
// program that reads a secret in init does.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/wasmpages/wasmpages/sdk"
)

func init() {
	if name := os.Getenv("REQUIRE"); name != "" && os.Getenv(name) == "" {
		panic(name + " is not set")
	}
	sdk.HandleFunc(func(w http.ResponseWriter, r *http.Request) {
		if ms, _ := strconv.Atoi(r.URL.Query().Get("sleep")); ms > 0 {
			time.Sleep(time.Duration(ms) * time.Millisecond)
		}
		h := sha256.New()
		n, _ := io.Copy(h, r.Body)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"version": os.Getenv("VERSION"),
			"secret":  os.Getenv("API_KEY"),
			"method":  r.Method,
			"url":     r.URL.String(),
			"host":    r.Host,
			"length":  n,
			"sha256":  hex.EncodeToString(h.Sum(nil)),
			"data":    string(sdk.Data(r)),
			"header":  r.Header.Get("X-Test"),
		})
	})
}

func main() {}
