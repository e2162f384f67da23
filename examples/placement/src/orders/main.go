// Command orders serves GET /api/orders (functions/api/orders.wasm): a
// user's orders with their items, read from the back end at BACKEND_URL in
// five queries made one after the other, as an app reads a user, then the
// user's orders, then each order's items. Each query needs the token the
// one before returned, so none can start before the previous one has
// answered: five round trips to the back end per request, which is why
// smart placement runs this function near the back end.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/wasmpages/wasmpages/sdk"
)

// A row is one record the back end returns.
type row struct {
	ID    string `json:"id"`
	Name  string `json:"name,omitempty"`
	Order string `json:"order,omitempty"`
	Qty   int    `json:"qty,omitempty"`
}

// An answer is the back end's answer to one query: its rows, and the token
// the next query must carry.
type answer struct {
	Step  int    `json:"step"`
	Token string `json:"token"`
	Rows  []row  `json:"rows"`
}

// An order is one order of the response, with its items.
type order struct {
	ID    string `json:"id"`
	Items []row  `json:"items"`
}

func init() {
	sdk.HandleMethodFunc("GET", func(w http.ResponseWriter, r *http.Request) {
		q := &querier{base: os.Getenv("BACKEND_URL")}
		user, err := q.next() // 1: the user
		if err == nil && len(user.Rows) == 0 {
			err = errors.New("back end has no user")
		}
		if err != nil {
			fail(w, err)
			return
		}
		list, err := q.next() // 2: the user's orders
		if err != nil {
			fail(w, err)
			return
		}
		orders := []order{}
		for _, o := range list.Rows { // 3 and on: each order's items
			items, err := q.next()
			if err != nil {
				fail(w, err)
				return
			}
			orders = append(orders, order{ID: o.ID, Items: items.Rows})
		}
		// The root middleware reports the count to the client; it may run
		// in another region, and still sees the chain's data.
		sdk.SetData(r, []byte(strconv.Itoa(q.step)))
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"user": user.Rows[0].Name, "orders": orders, "queries": q.step})
	})
}

// A querier makes the queries of one request, in order, each with the
// token of the one before.
type querier struct {
	base  string
	step  int
	token string
}

// next makes the next query with http.Get.
func (q *querier) next() (*answer, error) {
	step := q.step + 1
	resp, err := http.Get(q.base + "/query?step=" + strconv.Itoa(step) + "&token=" + url.QueryEscape(q.token))
	if err != nil {
		return nil, fmt.Errorf("back end unreachable at query %d: %w", step, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("back end answered query %d with %s: %s", step, resp.Status, strings.TrimSpace(string(b)))
	}
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		return nil, fmt.Errorf("back end sent bad JSON at query %d: %w", step, err)
	}
	q.step, q.token = step, a.Token
	return &a, nil
}

// fail answers 502 with err's message as a JSON error.
func fail(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadGateway)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // the message holds a URL: keep its & readable
	enc.Encode(map[string]string{"error": err.Error()})
}

func main() {}
