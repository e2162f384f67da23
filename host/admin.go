package host

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/wasmpages/wasmpages/host/internal/cluster"
)

// The admin API: JSON over HTTP on the admin listener (loopback by
// default), every call with the node's bearer token.
//
//	POST /v1/projects/{name}/deployments       upload a bundle: validate, store, activate
//	GET  /v1/projects/{name}/deployments       the active deployment and the history
//	GET  /v1/projects/{name}/deployments/{id}  each live node's state for a deployment
//	POST /v1/projects/{name}/rollback          {"id": ...}, or the previous deployment
//	GET  /v1/projects/{name}/placement         each region's placement, explained
//	GET  /v1/status                            nodes, regions and projects
//	GET  /metrics                              Prometheus metrics
//
// Errors are {"error": "..."} with a status that says which: 400 a bad
// bundle or request, 401 a missing or wrong token, 404 no such project,
// 409 a concurrent deploy won, 413 a bundle over the limit, 503 the control
// plane is unreachable.
func (n *node) adminServer() *http.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/projects/{name}/deployments", n.handleDeploy)
	mux.HandleFunc("GET /v1/projects/{name}/deployments", n.handleDeployments)
	mux.HandleFunc("GET /v1/projects/{name}/deployments/{id}", n.handleReadiness)
	mux.HandleFunc("POST /v1/projects/{name}/rollback", n.handleRollback)
	mux.HandleFunc("GET /v1/projects/{name}/placement", n.handlePlacement)
	mux.HandleFunc("GET /v1/status", n.handleStatus)
	mux.Handle("GET /metrics", n.metrics.Handler())
	return &http.Server{Handler: n.authorize(mux), ReadHeaderTimeout: 10 * time.Second}
}

// authorize refuses a request without the node's bearer token.
func (n *node) authorize(h http.Handler) http.Handler {
	want := append([]byte("Bearer "), n.token...)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get("Authorization"))
		if subtle.ConstantTimeCompare(got, want) != 1 {
			writeError(w, http.StatusUnauthorized, errors.New("missing or wrong admin token: send Authorization: Bearer <the token in admin.token_file>"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// apiError is the body of every error answer.
type apiError struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, apiError{Error: err.Error()})
}

// controlStatus is the status of a control-plane error.
func controlStatus(err error) int {
	switch {
	case errors.Is(err, cluster.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, cluster.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, cluster.ErrUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// handleDeployments lists a project's deployments, newest first.
func (n *node) handleDeployments(w http.ResponseWriter, r *http.Request) {
	var p *cluster.Project
	err := patiently(r.Context(), func() (err error) { p, err = n.control.Project(r.Context(), r.PathValue("name")); return err })
	if err != nil {
		writeError(w, controlStatus(err), err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// readiness is each live node's state for one deployment.
type readiness struct {
	Project    string      `json:"project"`
	Deployment string      `json:"deployment"`
	Nodes      []nodeState `json:"nodes"`
	// Done is set when every live node serves the deployment.
	Done bool `json:"done"`
}

// nodeState is one node's state for a deployment: "ready", "pending" (it
// still serves Serving) or "failed" (Detail says why).
type nodeState struct {
	Node    string `json:"node"`
	Region  string `json:"region"`
	State   string `json:"state"`
	Serving string `json:"serving,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

func (n *node) handleReadiness(w http.ResponseWriter, r *http.Request) {
	name, id := r.PathValue("name"), r.PathValue("id")
	var ms []cluster.Member
	err := patiently(r.Context(), func() (err error) { ms, err = n.control.Members(r.Context()); return err })
	if err != nil {
		writeError(w, controlStatus(err), err)
		return
	}
	out := readiness{Project: name, Deployment: id, Done: true}
	for _, m := range ms {
		st := nodeState{Node: m.Node, Region: m.Region, State: "pending", Serving: m.Ready[name]}
		switch {
		case m.Ready[name] == id:
			st.State, st.Serving = "ready", ""
		case strings.HasPrefix(m.Failed[name], id+": "):
			st.State, st.Detail = "failed", m.Failed[name][len(id)+2:]
		}
		if st.State != "ready" {
			out.Done = false
		}
		out.Nodes = append(out.Nodes, st)
	}
	writeJSON(w, http.StatusOK, out)
}

// status is the cluster as one node sees it.
type status struct {
	Node       string           `json:"node"`
	Region     string           `json:"region"`
	BaseDomain string           `json:"base_domain"`
	Nodes      []cluster.Member `json:"nodes"`
	// Down are the nodes this node has seen live (before a restart too, for
	// a week: roster.go) that are not live now, as last seen.
	Down     []cluster.Member   `json:"down,omitempty"`
	Projects []*cluster.Project `json:"projects"`
}

func (n *node) handleStatus(w http.ResponseWriter, r *http.Request) {
	var ms []cluster.Member
	err := patiently(r.Context(), func() (err error) { ms, err = n.control.Members(r.Context()); return err })
	if err != nil {
		writeError(w, controlStatus(err), err)
		return
	}
	var ps []*cluster.Project
	err = patiently(r.Context(), func() (err error) { ps, err = n.control.Projects(r.Context()); return err })
	if err != nil {
		writeError(w, controlStatus(err), err)
		return
	}
	writeJSON(w, http.StatusOK, status{Node: n.cfg.Name, Region: n.cfg.Region, BaseDomain: n.cfg.BaseDomain, Nodes: ms, Down: n.fleet.down(ms), Projects: ps})
}
