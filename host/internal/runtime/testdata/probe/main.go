// Command probe is a test guest: each path exercises one behaviour of the
// runtime.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/wasmpages/wasmpages/sdk"
)

var hits int

var sink [][]byte

func init() {
	sdk.HandleFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		q := r.URL.Query()
		switch r.URL.Path {
		case "/echo":
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("X-Method", r.Method)
			w.Header().Set("X-Url", r.URL.String())
			w.Header().Set("X-Custom", r.Header.Get("X-Custom"))
			w.Header().Set("X-Host", fmt.Sprintf("%s, %d in the header", r.Host, len(r.Header.Values("Host"))))
			w.Header().Set("X-Hits", strconv.Itoa(hits))
			w.WriteHeader(201)
			w.Write(body)
		case "/env":
			fmt.Fprint(w, os.Getenv("GREETING"))
		case "/log":
			fmt.Println("hello from the guest")
			fmt.Fprint(w, "logged")
		case "/fetch":
			resp, err := http.Get(q.Get("url"))
			if err != nil {
				http.Error(w, err.Error(), 502)
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			fmt.Fprintf(w, "%d %s %s", resp.StatusCode, resp.Header.Get("X-Backend"), b)
		case "/post":
			resp, err := http.Post(q.Get("url"), "text/plain", strings.NewReader("payload"))
			if err != nil {
				http.Error(w, err.Error(), 502)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			w.Write(b)
		case "/subrequests":
			n, _ := strconv.Atoi(q.Get("n"))
			for i := 0; i < n; i++ {
				resp, err := http.Get(q.Get("url"))
				if err != nil {
					http.Error(w, fmt.Sprintf("subrequest %d: %v", i+1, err), 502)
					return
				}
				resp.Body.Close()
			}
			fmt.Fprintf(w, "%d subrequests", n)
		case "/asset":
			resp, err := sdk.FetchAsset(q.Get("path"))
			if err != nil {
				http.Error(w, err.Error(), 502)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			fmt.Fprintf(w, "%d %s", resp.StatusCode, b)
		case "/html":
			fmt.Fprint(w, "<!DOCTYPE html><p>sniffed")
		case "/typed":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"typed":true}`)
		case "/empty":
			w.WriteHeader(http.StatusNoContent)
		case "/big":
			n, _ := strconv.Atoi(q.Get("n"))
			w.Write([]byte(strings.Repeat("x", n)))
		case "/spin":
			// A compute loop, to measure the cost of interruption checks.
			n, _ := strconv.Atoi(q.Get("n"))
			x := uint32(1)
			for i := 0; i < n; i++ {
				x = x*1664525 + 1013904223
			}
			fmt.Fprint(w, x)
		case "/sleep":
			ms, _ := strconv.Atoi(q.Get("ms"))
			time.Sleep(time.Duration(ms) * time.Millisecond)
			fmt.Fprint(w, "slept")
		case "/panic":
			panic("boom")
		case "/loop":
			for {
				hits++
			}
		case "/alloc":
			for {
				sink = append(sink, make([]byte, 1<<20))
			}
		case "/exit":
			os.Exit(3)
		default:
			fmt.Fprint(w, "Hello")
		}
	})
}

func main() {}
