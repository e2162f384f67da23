package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wasmpages/wasmpages/host/internal/secrets"
)

// Deployment is one immutable deployment of a project, as the control plane
// records it.
type Deployment struct {
	// ID is the deployment id: the SHA-256 of its bundle, which the bundles
	// object store holds under this name.
	ID string `json:"id"`
	// Created is when the deployment was made.
	Created time.Time `json:"created"`
	// Size is the bundle's size in bytes.
	Size int64 `json:"size"`
	// Source says where the deployment came from, e.g. "deploy from host X"
	// or "rollback to <id>".
	Source string `json:"source,omitempty"`
	// Secrets are the deployment's secrets as the nodes sealed them
	// (host/internal/secrets): never in clear text here. Deploying the
	// same bundle with other secrets replaces this deployment's entry.
	Secrets []byte `json:"secrets,omitempty"`
}

// Key names what a node serves for d: its bundle, and the version of its
// secrets when it has any, so that new secrets for the same bundle are a
// change every node follows.
func (d Deployment) Key() string {
	if v := secrets.Version(d.Secrets); v != "" {
		return d.ID + "." + v
	}
	return d.ID
}

// Project is a project's state in the control plane: the KV entry of the
// projects bucket whose key is the project's name.
type Project struct {
	// Name is the project's name.
	Name string `json:"name"`
	// Active is the deployment every node should serve.
	Active Deployment `json:"active"`
	// History holds the good deployments, newest first, the active one
	// included, at most Keep of them. Activating one of them is a rollback.
	History []Deployment `json:"history"`
	// Revision is the KV revision the project was read at, for Activate's
	// compare-and-set.
	Revision uint64 `json:"-"`
}

// Project returns the project called name, or an error wrapping
// ErrNotFound.
func (c *Control) Project(ctx context.Context, name string) (*Project, error) {
	op := fmt.Sprintf("reading project %q", name)
	if !validName(name) {
		return nil, fmt.Errorf("%s: not a valid project name", op)
	}
	ctx2, cancel := c.op(ctx)
	defer cancel()
	p, err := c.project(ctx2, name)
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return p, c.wrap(ctx, op, err)
}

// project reads the project called name; a missing one is ErrNotFound.
func (c *Control) project(ctx context.Context, name string) (*Project, error) {
	kv, err := c.projects.get(ctx)
	if err != nil {
		return nil, err
	}
	e, err := kv.Get(ctx, name)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
		return nil, ErrNotFound
	}
	if err != nil {
		c.projects.failed(err)
		return nil, err
	}
	return decodeProject(e)
}

// Projects returns every project, sorted by name.
func (c *Control) Projects(ctx context.Context) ([]*Project, error) {
	const op = "listing projects"
	ctx2, cancel := c.op(ctx)
	defer cancel()
	entries, err := c.entries(ctx2, &c.projects)
	if err != nil {
		return nil, c.wrap(ctx, op, err)
	}
	var ps []*Project
	for _, e := range entries {
		p, err := decodeProject(e)
		if err != nil {
			c.log.Warn("skipping a project entry", "err", err)
			continue
		}
		ps = append(ps, p)
	}
	slices.SortFunc(ps, func(a, b *Project) int { return strings.Compare(a.Name, b.Name) })
	return ps, nil
}

// Activate makes d the active deployment of the project called name, if
// the project is still at revision rev (0: the project must not exist yet).
// It puts d first in the history (moving it there if it is in the history
// already: that is a rollback), trims the history to Keep deployments and
// deletes the bundles of those that fell off. It returns the project as
// stored. When the project changed since rev, nothing is written and the
// error wraps ErrConflict and names the deployment that is active instead.
// Bundles that cannot be deleted are logged, not returned: the activation
// stands.
func (c *Control) Activate(ctx context.Context, name string, d Deployment, rev uint64) (*Project, error) {
	op := fmt.Sprintf("activating deployment %s of project %q", d.ID, name)
	if !validName(name) {
		return nil, fmt.Errorf("%s: not a valid project name", op)
	}
	if d.ID == "" {
		return nil, fmt.Errorf("%s: empty deployment id", op)
	}
	ctx2, cancel := c.op(ctx)
	defer cancel()
	p, dropped, err := c.activate(ctx2, name, d, rev)
	if err != nil {
		if errors.Is(err, ErrConflict) {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		return nil, c.wrap(ctx, op, err)
	}
	for _, old := range dropped {
		if err := c.DeleteBundle(ctx, old.ID); err != nil {
			c.log.Warn("deleting the bundle of a deployment that left the history", "project", name, "deployment", old.ID, "err", err)
		}
	}
	return p, nil
}

// activate writes the project's next state with compare-and-set and
// returns it and the deployments that left its history.
func (c *Control) activate(ctx context.Context, name string, d Deployment, rev uint64) (*Project, []Deployment, error) {
	kv, err := c.projects.get(ctx)
	if err != nil {
		return nil, nil, err
	}
	cur := &Project{Name: name}
	if rev != 0 {
		cur, err = c.projectAt(ctx, name, rev)
		if errors.Is(err, ErrNotFound) {
			return nil, nil, fmt.Errorf("project %q does not exist (expected revision %d): %w", name, rev, ErrConflict)
		}
		if err != nil {
			return nil, nil, err
		}
		if cur.Revision != rev {
			return nil, nil, conflict(cur, rev)
		}
	}
	if d.Created.IsZero() && !slices.ContainsFunc(cur.History, func(h Deployment) bool { return h.ID == d.ID }) {
		d.Created = time.Now().UTC()
	}
	history, dropped := nextHistory(cur.History, d, Keep)
	next := &Project{Name: name, Active: history[0], History: history}
	value, err := json.Marshal(next)
	if err != nil {
		return nil, nil, err
	}
	if rev == 0 {
		next.Revision, err = kv.Create(ctx, name, value)
	} else {
		next.Revision, err = kv.Update(ctx, name, value, rev)
	}
	if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) {
		return nil, nil, c.lost(ctx, name, rev)
	}
	if err != nil {
		c.projects.failed(err)
		return nil, nil, err
	}
	return next, dropped, nil
}

// projectAt reads the project called name, again while it is older than
// rev: a leader just elected may not have applied the latest writes yet.
// When ctx ends first, it returns the older state.
func (c *Control) projectAt(ctx context.Context, name string, rev uint64) (*Project, error) {
	for {
		p, err := c.project(ctx, name)
		if err != nil || p.Revision >= rev {
			return p, err
		}
		select {
		case <-ctx.Done():
			return p, nil
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// lost returns the error of a compare-and-set against rev that another
// write won. The leader refuses a write as soon as a competing one is under
// way, so the winner may not be readable yet: lost waits for it, within
// ctx, to name it.
func (c *Control) lost(ctx context.Context, name string, rev uint64) error {
	for {
		won, err := c.project(ctx, name)
		if err == nil && won.Revision != rev {
			return conflict(won, rev)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("project %q changed since revision %d: %w", name, rev, ErrConflict)
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// conflict is the error of a compare-and-set against rev that found cur.
func conflict(cur *Project, rev uint64) error {
	return fmt.Errorf("deployment %s was activated first (project %q is at revision %d, not %d): %w",
		cur.Active.ID, cur.Name, cur.Revision, rev, ErrConflict)
}

// WatchProjects calls fn with the state of every project, then with every
// change, until ctx is done or c is closed; it blocks until then, so run it
// on its own goroutine. fn runs on one goroutine, one call at a time, in
// order. WatchProjects keeps going across NATS outages: after a
// reconnection it calls fn again with every project's state, so fn must
// accept a state it has seen. Deleted projects are not reported.
func (c *Control) WatchProjects(ctx context.Context, fn func(*Project)) {
	for ev := range c.watchKV(ctx, "projects", &c.projects) {
		if ev.entry == nil || ev.entry.Operation() != jetstream.KeyValuePut {
			continue
		}
		p, err := decodeProject(ev.entry)
		if err != nil {
			c.log.Warn("skipping a project entry", "err", err)
			continue
		}
		fn(p)
	}
}

// decodeProject decodes a projects bucket entry.
func decodeProject(e jetstream.KeyValueEntry) (*Project, error) {
	var p Project
	if err := json.Unmarshal(e.Value(), &p); err != nil {
		return nil, fmt.Errorf("decoding project %q at revision %d: %w", e.Key(), e.Revision(), err)
	}
	p.Name = e.Key()
	p.Revision = e.Revision()
	return &p, nil
}

// entries returns the current entries of the bucket b binds, deleted and
// expired keys left out. It asks the bucket's stream leader for the keys
// and reads each from it, so that the list holds every acknowledged write.
func (c *Control) entries(ctx context.Context, b *binding[*kvBucket]) ([]jetstream.KeyValueEntry, error) {
	kv, err := b.get(ctx)
	if err != nil {
		return nil, err
	}
	prefix := "$KV." + kv.Bucket() + "."
	info, err := kv.stream.Info(ctx, jetstream.WithSubjectFilter(prefix+">"))
	if err != nil {
		b.failed(err)
		return nil, err
	}
	var out []jetstream.KeyValueEntry
	for subject := range info.State.Subjects {
		e, err := kv.Get(ctx, strings.TrimPrefix(subject, prefix))
		if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
			continue
		}
		if err != nil {
			b.failed(err)
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}
