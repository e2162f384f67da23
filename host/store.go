package host

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wasmpages/wasmpages/host/internal/cluster"
)

// store keeps a node's deployments on local disk, so that it serves them
// right after a restart and while the control plane is unreachable:
//
//	<data>/deployments/<project>/<id>/   an unpacked bundle
//	<data>/active/<project>              the deployment served (JSON), its
//	                                     secrets sealed as in the control plane
//
// The active file is replaced atomically (written aside, then renamed), so a
// crash leaves the old deployment or the new one.
type store struct {
	dir string
}

func newStore(dataDir string) (*store, error) {
	s := &store{dir: dataDir}
	for _, d := range []string{s.deployments(), filepath.Join(dataDir, "active"), s.tmp()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("creating the data directory: %w", err)
		}
	}
	return s, nil
}

func (s *store) deployments() string { return filepath.Join(s.dir, "deployments") }

// tmp is where uploads and downloads are written before they are checked.
func (s *store) tmp() string { return filepath.Join(s.dir, "tmp") }

// deployment returns the directory of a project's deployment.
func (s *store) deployment(project, id string) string {
	return filepath.Join(s.deployments(), project, id)
}

// has reports whether a deployment is unpacked on disk.
func (s *store) has(project, id string) bool {
	_, err := os.Stat(filepath.Join(s.deployment(project, id), "pages.toml"))
	return err == nil
}

// adopt moves an unpacked and checked deployment from dir into the store;
// one already there (another download of the same bundle) is kept.
func (s *store) adopt(project, id, dir string) error {
	dst := s.deployment(project, id)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := os.Rename(dir, dst); err != nil && !s.has(project, id) {
		return err
	}
	return nil
}

// setActive records the deployment a project serves.
func (s *store) setActive(project string, d cluster.Deployment) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	name := filepath.Join(s.dir, "active", project)
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}

// active returns the deployment each project served last, by project. An
// active file of an older version holds only the deployment's id.
func (s *store) active() (map[string]cluster.Deployment, error) {
	entries, err := os.ReadDir(filepath.Join(s.dir, "active"))
	if err != nil {
		return nil, err
	}
	out := map[string]cluster.Deployment{}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(s.dir, "active", e.Name()))
		if err != nil {
			return nil, err
		}
		var d cluster.Deployment
		if b = bytes.TrimSpace(b); !bytes.HasPrefix(b, []byte("{")) {
			d.ID = string(b)
		} else if err := json.Unmarshal(b, &d); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Join(s.dir, "active", e.Name()), err)
		}
		out[e.Name()] = d
	}
	return out, nil
}

// prune deletes a project's deployments other than keep.
func (s *store) prune(project string, keep []string) error {
	entries, err := os.ReadDir(filepath.Join(s.deployments(), project))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if !slices.Contains(keep, e.Name()) {
			errs = append(errs, os.RemoveAll(filepath.Join(s.deployments(), project, e.Name())))
		}
	}
	return errors.Join(errs...)
}
