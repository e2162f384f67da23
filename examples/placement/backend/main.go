// Command backend stands for the placement example's database API: a small
// HTTP server that answers the five queries /api/orders makes for each
// request. Query N returns a token that query N+1 must carry, so the queries
// can only be made one after the other, as real dependent queries are.
//
//	GET /query?step=N&token=T   query N (1 to 5) with the token of query N-1 (none for query 1)
//	GET or HEAD /               200 "ok", for health checks and placement's probes
//
// Its answers are fixed: query 1 reads the user, query 2 the user's three
// orders, queries 3 to 5 the items of each order. It listens on $ADDR
// (default 127.0.0.1:5480), prints the URL it serves once, and logs nothing
// per request. Run it with:
//
//	go run ./examples/placement/backend
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
)

// A row is one record of an answer.
type row struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Order string `json:"order,omitempty"`
	Qty   int    `json:"qty,omitempty"`
}

// An answer is what query N returns: its rows, and the token of query N+1.
type answer struct {
	Step  int    `json:"step"`
	Token string `json:"token"`
	Rows  []row  `json:"rows"`
}

// steps holds the rows of each query, by step number minus one.
var steps = [][]row{
	{{ID: "u-42", Name: "Ada Lovelace"}},
	{{ID: "o-1001"}, {ID: "o-1002"}, {ID: "o-1003"}},
	{{ID: "sku-17", Name: "Notebook", Order: "o-1001", Qty: 2}, {ID: "sku-03", Name: "Fountain pen", Order: "o-1001", Qty: 1}},
	{{ID: "sku-88", Name: "Ink, blue", Order: "o-1002", Qty: 3}},
	{{ID: "sku-17", Name: "Notebook", Order: "o-1003", Qty: 1}, {ID: "sku-42", Name: "Slide rule", Order: "o-1003", Qty: 1}},
}

// token returns the token that query step returns: a hash chained from the
// first query's, so it cannot be had without the tokens before it.
func token(step int) string {
	t := ""
	for i := 1; i <= step; i++ {
		sum := sha256.Sum256([]byte(strconv.Itoa(i) + " " + t))
		t = hex.EncodeToString(sum[:8])
	}
	return t
}

func main() {
	addr := os.Getenv("ADDR")
	if addr == "" {
		addr = "127.0.0.1:5480"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatalf("backend: %v", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok") // GET also serves HEAD
	})
	mux.HandleFunc("GET /query", query)
	fmt.Printf("backend: serving http://%s\n", ln.Addr())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Fatalf("backend: %v", srv.Serve(ln))
}

// query answers GET /query?step=N&token=T.
func query(w http.ResponseWriter, r *http.Request) {
	step, err := strconv.Atoi(r.URL.Query().Get("step"))
	if err != nil || step < 1 || step > len(steps) {
		fail(w, http.StatusBadRequest, fmt.Sprintf("step must be 1 to %d, not %q", len(steps), r.URL.Query().Get("step")))
		return
	}
	if r.URL.Query().Get("token") != token(step-1) {
		fail(w, http.StatusConflict, fmt.Sprintf("query %d needs the token query %d returned", step, step-1))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(answer{Step: step, Token: token(step), Rows: steps[step-1]})
}

// fail answers with status and a JSON error.
func fail(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}
