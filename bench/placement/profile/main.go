// Command profile serves GET /api/profile in the placement benchmark's copy
// of examples/placement (functions/api/profile.wasm): the signed-in user,
// read from the back end at BACKEND_URL in one query. With a single round
// trip to the back end per request, running it near the back end saves
// nothing the forwarding hop does not cost again, so smart placement keeps
// it near the user. The benchmark builds it with:
//
//	GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o functions/api/profile.wasm ./bench/placement/profile
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/wasmpages/wasmpages/sdk"
)

// A row is one record the back end returns.
type row struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// An answer is the back end's answer to one query.
type answer struct {
	Step  int    `json:"step"`
	Token string `json:"token"`
	Rows  []row  `json:"rows"`
}

func init() {
	sdk.HandleMethodFunc("GET", func(w http.ResponseWriter, r *http.Request) {
		user, err := query(os.Getenv("BACKEND_URL"))
		if err == nil && len(user.Rows) == 0 {
			err = errors.New("back end has no user")
		}
		if err != nil {
			fail(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"id": user.Rows[0].ID, "user": user.Rows[0].Name, "queries": 1})
	})
}

// query makes the one query, the user's, with http.Get.
func query(base string) (*answer, error) {
	resp, err := http.Get(base + "/query?step=1")
	if err != nil {
		return nil, fmt.Errorf("back end unreachable: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return nil, fmt.Errorf("back end answered with %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		return nil, fmt.Errorf("back end sent bad JSON: %w", err)
	}
	return &a, nil
}

// fail answers 502 with err's message as a JSON error.
func fail(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadGateway)
	json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
}

func main() {}
