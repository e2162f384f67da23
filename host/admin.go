package host

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/wasmpages/wasmpages/host/internal/bundle"
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

// deployResult answers an upload or a rollback.
type deployResult struct {
	Project    string             `json:"project"`
	Deployment cluster.Deployment `json:"deployment"`
	URL        string             `json:"url"`
	// Unchanged is set when the deployment was already active.
	Unchanged bool `json:"unchanged,omitempty"`
}

// handleDeploy receives a bundle, checks it as every node will (it unpacks,
// its pages.toml parses, every module compiles and speaks the ABI, its
// _routes.json is valid), stores it and makes it the project's active
// deployment by compare-and-set. The bundle's id is computed here from its
// bytes; a client that sends X-Bundle-Id has it checked.
func (n *node) handleDeploy(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	ctx := r.Context()
	var prev *cluster.Project
	err := patiently(ctx, func() (err error) { prev, err = n.control.Project(ctx, name); return err })
	var rev uint64
	switch {
	case err == nil:
		rev = prev.Revision
	case !errors.Is(err, cluster.ErrNotFound):
		writeError(w, controlStatus(err), err)
		return
	}
	file, id, size, err := n.receive(r.Body)
	if err != nil {
		writeError(w, statusOf(err), err)
		return
	}
	defer os.Remove(file)
	if want := r.Header.Get("X-Bundle-Id"); want != "" && want != id {
		writeError(w, http.StatusBadRequest, fmt.Errorf("the bundle changed in transit: its id is %s, the client computed %s", id, want))
		return
	}
	if prev != nil && prev.Active.ID == id {
		writeJSON(w, http.StatusOK, deployResult{Project: name, Deployment: prev.Active, URL: n.projectURL(name), Unchanged: true})
		return
	}
	if err := n.check(ctx, name, id, file); err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	err = patiently(ctx, func() error {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		return n.control.PutBundle(ctx, id, f)
	})
	if err != nil {
		writeError(w, controlStatus(err), fmt.Errorf("storing the bundle: %w", err))
		return
	}
	d := cluster.Deployment{ID: id, Created: time.Now().UTC(), Size: size, Source: r.Header.Get("X-Deploy-Source")}
	if err := n.activate(ctx, name, d, rev); err != nil {
		writeError(w, controlStatus(err), err)
		return
	}
	n.logger.Info("deployed", "project", name, "deployment", short(id), "size", size)
	writeJSON(w, http.StatusCreated, deployResult{Project: name, Deployment: d, URL: n.projectURL(name)})
}

// errTooLarge is a bundle over the limit.
var errTooLarge = fmt.Errorf("the bundle is larger than %d MiB", maxBundle>>20)

// maxBundle is the largest bundle the admin API accepts.
const maxBundle = 256 << 20

func statusOf(err error) int {
	if errors.Is(err, errTooLarge) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// receive writes an upload to a temporary file, hashing it on the way.
func (n *node) receive(body io.Reader) (file, id string, size int64, err error) {
	f, err := os.CreateTemp(n.store.tmp(), "upload-*.bundle")
	if err != nil {
		return "", "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	size, err = io.Copy(io.MultiWriter(f, h), io.LimitReader(body, maxBundle+1))
	switch {
	case err != nil:
		err = fmt.Errorf("receiving the bundle: %w", err)
	case size > maxBundle:
		err = errTooLarge
	}
	if err != nil {
		os.Remove(f.Name())
		return "", "", 0, err
	}
	return f.Name(), hex.EncodeToString(h.Sum(nil)), size, nil
}

// check unpacks a received bundle and loads it as this node would serve
// it; what passes is kept on disk as the deployment, so that this node
// activates it without downloading it again.
func (n *node) check(ctx context.Context, project, id, file string) error {
	if n.store.has(project, id) {
		return nil
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	tmp, err := os.MkdirTemp(n.store.tmp(), "check-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "d")
	m, err := bundle.Unpack(f, id, dir, bundle.Limits{MaxSize: maxBundle})
	if err != nil {
		return err
	}
	if m.Project != project {
		return fmt.Errorf("the bundle is of project %q, not %q: deploy it to its own project", m.Project, project)
	}
	s, _, err := n.openSite(ctx, dir, id)
	if err != nil {
		return err
	}
	problems := s.Problems()
	s.Close(ctx)
	if len(problems) > 0 {
		msg := fmt.Sprintf("%d modules failed to load:", len(problems))
		keys := slices.Sorted(maps.Keys(problems))
		for _, k := range keys {
			msg += fmt.Sprintf("\n  functions/%s: %v", k, problems[k])
		}
		return errors.New(msg)
	}
	return n.store.adopt(project, id, dir)
}

// activate makes d the project's active deployment by compare-and-set
// against rev, waiting out an unavailable control plane. A retry refused
// because the first attempt did land is a success.
func (n *node) activate(ctx context.Context, name string, d cluster.Deployment, rev uint64) error {
	tries := 0
	err := patiently(ctx, func() error {
		tries++
		_, err := n.control.Activate(ctx, name, d, rev)
		return err
	})
	if errors.Is(err, cluster.ErrConflict) && tries > 1 {
		if p, perr := n.control.Project(ctx, name); perr == nil && p.Active.ID == d.ID {
			return nil
		}
	}
	return err
}

// projectURL is where a project is served.
func (n *node) projectURL(name string) string {
	scheme := "http"
	if n.cfg.Public.TLSCert != "" {
		scheme = "https"
	}
	return scheme + "://" + name + "." + n.cfg.BaseDomain + "/"
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
		case len(m.Failed[name]) > len(id) && m.Failed[name][:len(id)] == id:
			st.State, st.Detail = "failed", m.Failed[name][len(id)+2:]
		}
		if st.State != "ready" {
			out.Done = false
		}
		out.Nodes = append(out.Nodes, st)
	}
	writeJSON(w, http.StatusOK, out)
}

// rollbackRequest names the deployment to go back to; empty means the one
// before the active one.
type rollbackRequest struct {
	ID string `json:"id"`
}

func (n *node) handleRollback(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var req rollbackRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil && !errors.Is(err, io.EOF) {
		writeError(w, http.StatusBadRequest, fmt.Errorf("reading the request: %w", err))
		return
	}
	var p *cluster.Project
	err := patiently(r.Context(), func() (err error) { p, err = n.control.Project(r.Context(), name); return err })
	if err != nil {
		writeError(w, controlStatus(err), err)
		return
	}
	target, err := rollbackTarget(p, req.ID)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	target.Source = "rollback from " + short(p.Active.ID)
	if err := n.activate(r.Context(), name, target, p.Revision); err != nil {
		writeError(w, controlStatus(err), err)
		return
	}
	n.logger.Info("rolled back", "project", name, "to", short(target.ID), "from", short(p.Active.ID))
	writeJSON(w, http.StatusOK, deployResult{Project: name, Deployment: target, URL: n.projectURL(name)})
}

// rollbackTarget finds the deployment a rollback activates: id (a prefix
// is enough when it is unique) from the history, or the one before the
// active deployment.
func rollbackTarget(p *cluster.Project, id string) (cluster.Deployment, error) {
	if id == "" {
		if len(p.History) < 2 {
			return cluster.Deployment{}, fmt.Errorf("project %s has no earlier deployment to roll back to", p.Name)
		}
		return p.History[1], nil
	}
	var found []cluster.Deployment
	for _, d := range p.History {
		if len(id) <= len(d.ID) && d.ID[:len(id)] == id {
			found = append(found, d)
		}
	}
	switch {
	case len(found) == 0:
		return cluster.Deployment{}, fmt.Errorf("deployment %s is not among the last %d of project %s: see wasmpages deployments %s", id, len(p.History), p.Name, p.Name)
	case len(found) > 1:
		return cluster.Deployment{}, fmt.Errorf("%s names %d deployments: give more of the id", id, len(found))
	case found[0].ID == p.Active.ID:
		return cluster.Deployment{}, fmt.Errorf("deployment %s is already active", short(id))
	}
	return found[0], nil
}

// status is the cluster as one node sees it.
type status struct {
	Node       string           `json:"node"`
	Region     string           `json:"region"`
	BaseDomain string           `json:"base_domain"`
	Nodes      []cluster.Member `json:"nodes"`
	// Down are the nodes this node has seen live since it started that
	// are not live now, as last seen.
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
	writeJSON(w, http.StatusOK, status{Node: n.cfg.Name, Region: n.cfg.Region, BaseDomain: n.cfg.BaseDomain, Nodes: ms, Down: n.fleet.down(), Projects: ps})
}
