// Command todos is the function behind /api/todos, the API of the
// single-page app in public/: GET lists the todos as JSON, POST with a body
// {"title": "..."} adds one and answers 201 with it.
//
// The todos are kept in a package-level slice. The host pools a module's
// instances and reuses each for request after request, so this state lives
// as long as one instance does: it is per instance (two instances serving at
// once each have their own list), it is gone when the host discards the
// instance or loads a new build, and it is never durable. A real app keeps
// its data in a database, reached through an http.Client like any other
// back end.
package main

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/wasmpages/wasmpages/sdk"
)

type todo struct {
	ID    int    `json:"id"`
	Title string `json:"title"`
}

// todos is this instance's list, and nextID the ID of the next todo: an
// instance serves one request at a time, so they need no lock.
var (
	todos  = []todo{{ID: 1, Title: "Try the API: POST /api/todos"}}
	nextID = 2
)

// maxBody is the largest request body read, in bytes.
const maxBody = 64 << 10

func init() {
	sdk.HandleFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			writeJSON(w, http.StatusOK, todos)
		case http.MethodPost:
			var in struct {
				Title string `json:"title"`
			}
			dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&in); err != nil {
				writeJSON(w, http.StatusBadRequest, errorBody{"bad JSON: " + err.Error()})
				return
			}
			if dec.More() {
				writeJSON(w, http.StatusBadRequest, errorBody{"bad JSON: more than one value"})
				return
			}
			in.Title = strings.TrimSpace(in.Title)
			if in.Title == "" {
				writeJSON(w, http.StatusBadRequest, errorBody{`"title" is missing or empty`})
				return
			}
			t := todo{ID: nextID, Title: in.Title}
			nextID++
			todos = append(todos, t)
			writeJSON(w, http.StatusCreated, t)
		default:
			w.Header().Set("Allow", "GET, HEAD, POST")
			writeJSON(w, http.StatusMethodNotAllowed, errorBody{"method " + r.Method + " not allowed"})
		}
	})
}

type errorBody struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func main() {}
