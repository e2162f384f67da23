package host

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// deployResult answers an upload or a rollback.
type deployResult struct {
	Project    string             `json:"project"`
	Deployment cluster.Deployment `json:"deployment"`
	URL        string             `json:"url"`
	// Unchanged is set when the deployment was already active.
	Unchanged bool `json:"unchanged,omitempty"`
	// Secrets names the deployment's secrets; their values never leave
	// the nodes.
	Secrets []string `json:"secrets,omitempty"`
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
	change, err := decodeSecretsChange(r.Header.Get(headerSecrets))
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	sealed, env, err := n.nextSecrets(prev, name, id, change)
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	names := slices.Sorted(maps.Keys(env))
	if prev != nil && prev.Active.ID == id && bytes.Equal(prev.Active.Secrets, sealed) {
		writeJSON(w, http.StatusOK, deployResult{Project: name, Deployment: prev.Active, URL: n.projectURL(name), Unchanged: true, Secrets: names})
		return
	}
	if err := n.check(ctx, name, id, file, env); err != nil {
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
	d := cluster.Deployment{ID: id, Created: time.Now().UTC(), Size: size, Source: r.Header.Get("X-Deploy-Source"), Secrets: sealed}
	if err := n.activate(ctx, name, d, rev); err != nil {
		writeError(w, controlStatus(err), err)
		return
	}
	n.logger.Info("deployed", "project", name, "deployment", short(id), "size", size, "secrets", len(names))
	writeJSON(w, http.StatusCreated, deployResult{Project: name, Deployment: d, URL: n.projectURL(name), Secrets: names})
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
// it, with its secrets (a module's init may read them); what passes is
// kept on disk as the deployment, so that this node activates it without
// downloading it again.
func (n *node) check(ctx context.Context, project, id, file string, env map[string]string) error {
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
	s, _, err := n.openSite(ctx, dir, id, env)
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
		if p, perr := n.control.Project(ctx, name); perr == nil && p.Active.Key() == d.Key() {
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
