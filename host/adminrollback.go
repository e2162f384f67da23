package host

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/wasmpages/wasmpages/host/internal/cluster"
)

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
	if _, err := n.box.Open(name, target.ID, target.Secrets); err != nil {
		writeError(w, http.StatusBadRequest, fmt.Errorf("deployment %s cannot be rolled back to: %w; deploy it again with --replace-secrets and every secret set", short(target.ID), err))
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
