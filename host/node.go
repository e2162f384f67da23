package host

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/wasmpages/wasmpages/host/internal/bundle"
	"github.com/wasmpages/wasmpages/host/internal/cluster"
	"github.com/wasmpages/wasmpages/host/internal/config"
	"github.com/wasmpages/wasmpages/host/internal/forward"
	"github.com/wasmpages/wasmpages/host/internal/metrics"
	"github.com/wasmpages/wasmpages/host/internal/runtime"
	"github.com/wasmpages/wasmpages/host/internal/secrets"
	"github.com/wasmpages/wasmpages/host/internal/site"
)

// node is one production node: the projects it serves, its place in the
// cluster, and what it tells the others about itself.
type node struct {
	cfg     *config.Node
	logger  *slog.Logger
	cache   *runtime.Cache
	store   *store
	sites   *registry
	control *cluster.Control
	signer  *forward.Signer
	client  *forward.Client
	box     *secrets.Box // opens the deployments' secrets
	token   []byte
	started time.Time
	fleet   *fleet
	metrics *metrics.Registry

	mu     sync.Mutex // guards ready and failed
	ready  map[string]string
	failed map[string]string

	followMu sync.Mutex // serialises activations
	wanted   map[string]*wanted

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// newNode loads the deployments kept on disk, then joins the control plane
// and follows it in the background.
func newNode(ctx context.Context, cfg *config.Node, out io.Writer) (*node, error) {
	secret, err := config.ReadSecret(cfg.Cluster.SecretFile)
	if err != nil {
		return nil, err
	}
	token, err := config.ReadSecret(cfg.Admin.TokenFile)
	if err != nil {
		return nil, err
	}
	st, err := newStore(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	cache, err := runtime.NewCache(filepath.Join(cfg.DataDir, "compiled"))
	if err != nil {
		return nil, err
	}
	box, err := secrets.NewBox(secret)
	if err != nil {
		return nil, err
	}
	n := &node{
		cfg: cfg, logger: newConsoleLogger(out).With("node", cfg.Name),
		cache: cache, store: st, sites: newRegistry(cfg.BaseDomain), box: box,
		signer: forward.NewSigner(secret, 0), client: forward.NewClient(forward.ClientOptions{}),
		token: token, started: time.Now(),
		ready: map[string]string{}, failed: map[string]string{},
		metrics: metrics.New(), wanted: map[string]*wanted{},
	}
	n.fleet = newFleet(cfg.Region, cfg.Name, n.client, n.metrics)
	if err := n.fleet.loadSeen(filepath.Join(cfg.DataDir, rosterFile)); err != nil {
		n.logger.Warn("reading the nodes seen before", "err", err)
	}
	n.loadFromDisk(ctx)

	// A node without routes is a cluster of one: JetStream runs standalone,
	// as it refuses clustering with no route to solicit.
	clusterListen := cfg.NATS.ClusterListen
	if len(cfg.NATS.Routes) == 0 {
		clusterListen = ""
	}
	routeTLS, err := routeTLS(cfg.NATS)
	if err != nil {
		n.sites.close()
		return nil, err
	}
	n.control, err = cluster.Start(ctx, cluster.Options{
		Node: cfg.Name, Region: cfg.Region, RouteTLS: routeTLS,
		Listen: cfg.NATS.Listen, ClusterListen: clusterListen, Routes: cfg.NATS.Routes,
		StoreDir: filepath.Join(cfg.DataDir, "nats"), Secret: secret, URL: cfg.NATS.URL,
		Logger: n.logger,
	})
	if err != nil {
		n.sites.close()
		return nil, err
	}
	bg, cancel := context.WithCancel(context.Background())
	n.cancel = cancel
	n.fleet.publish = func(t telemetry) {
		if err := n.control.Publish(telemetrySubject, marshalTelemetry(t)); err != nil {
			n.logger.Debug("publishing telemetry", "err", err)
		}
	}
	n.wg.Add(7)
	go func() { defer n.wg.Done(); n.answerExplain(bg) }()
	go func() { defer n.wg.Done(); n.retryFollow(bg) }()
	go func() { defer n.wg.Done(); n.control.WatchProjects(bg, func(p *cluster.Project) { n.follow(bg, p) }) }()
	go func() { defer n.wg.Done(); n.control.WatchMembers(bg, n.fleet.setMembers) }()
	go func() { defer n.wg.Done(); n.heartbeat(bg) }()
	go func() { defer n.wg.Done(); n.fleet.run(bg) }()
	go func() {
		defer n.wg.Done()
		n.control.Subscribe(bg, telemetrySubject, func(b []byte) {
			if t, ok := unmarshalTelemetry(b); ok {
				n.fleet.receive(t)
			}
		})
	}()
	return n, nil
}

// loadFromDisk serves the deployments this node served last, so that a
// restart serves at once, whether or not the control plane is reachable.
func (n *node) loadFromDisk(ctx context.Context) {
	active, err := n.store.active()
	if err != nil {
		n.logger.Error("reading the active deployments", "err", err)
		return
	}
	for project, d := range active {
		if err := n.load(ctx, project, d); err != nil {
			n.logger.Error("loading a deployment kept on disk", "project", project, "deployment", d.ID, "err", err)
		}
	}
}

// follow makes p's active deployment this node's: it downloads the bundle
// unless it is on disk, verifies it, compiles its modules and swaps to it.
// Until then the previous deployment keeps serving. A failure (the control
// plane briefly unavailable, a download cut short) is retried by
// retryFollow.
func (n *node) follow(ctx context.Context, p *cluster.Project) {
	n.followMu.Lock()
	defer n.followMu.Unlock()
	if w := n.wanted[p.Name]; w != nil && p.Revision < w.project.Revision {
		return // older than what a fresh read found
	}
	n.wanted[p.Name] = &wanted{project: p}
	n.followLocked(ctx, n.wanted[p.Name])
}

// wanted is the deployment the control plane wants a project to serve,
// and when to try again after a failure.
type wanted struct {
	project  *cluster.Project
	failures int
	next     time.Time
}

func (n *node) followLocked(ctx context.Context, w *wanted) {
	p := w.project
	id, key := p.Active.ID, p.Active.Key()
	if c := n.sites.project(p.Name); c != nil {
		if s := c.p.Load(); s != nil && s.Deployment() == key {
			w.failures = 0
			n.setState(p.Name, key, nil)
			return
		}
	}
	err := n.fetch(ctx, p.Name, id)
	if err == nil {
		err = n.load(ctx, p.Name, p.Active)
	}
	if err != nil {
		w.failures++
		w.next = time.Now().Add(min(time.Second<<min(w.failures, 6), time.Minute))
		n.logger.Error("activating a deployment failed; the previous one keeps serving", "project", p.Name, "deployment", short(id),
			"retry in", time.Until(w.next).Round(time.Second), "err", err)
		n.setState(p.Name, key, err)
		return
	}
	w.failures = 0
	var keep []string
	for _, d := range p.History {
		keep = append(keep, d.ID)
	}
	if err := n.store.prune(p.Name, keep); err != nil {
		n.logger.Warn("pruning old deployments", "project", p.Name, "err", err)
	}
}

// retryFollow tries again, with a growing delay, each deployment that
// failed to activate here and is still wanted; and every few seconds it
// reads every project's active deployment afresh, so that a watch that
// fell behind cannot leave this node on an old deployment. It runs until
// ctx is done.
func (n *node) retryFollow(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for tick := 1; ; tick++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var fresh []*cluster.Project
		if tick%5 == 0 {
			fresh, _ = n.control.Projects(ctx)
		}
		n.followMu.Lock()
		for _, p := range fresh {
			if w := n.wanted[p.Name]; w == nil || w.project.Revision < p.Revision && w.project.Active.Key() != p.Active.Key() {
				n.wanted[p.Name] = &wanted{project: p}
				n.followLocked(ctx, n.wanted[p.Name])
			}
		}
		for _, w := range n.wanted {
			if w.failures > 0 && time.Now().After(w.next) {
				n.followLocked(ctx, w)
			}
		}
		n.followMu.Unlock()
	}
}

// fetch downloads and unpacks a deployment's bundle unless it is on disk.
// It unpacks aside and moves the result into the store only once every
// check passed.
func (n *node) fetch(ctx context.Context, project, id string) error {
	if n.store.has(project, id) {
		return nil
	}
	rc, err := n.control.GetBundle(ctx, id)
	if err != nil {
		return fmt.Errorf("downloading the bundle: %w", err)
	}
	defer rc.Close()
	tmp, err := os.MkdirTemp(n.store.tmp(), "fetch-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	m, err := bundle.Unpack(rc, id, filepath.Join(tmp, "d"), bundle.Limits{MaxSize: maxBundle})
	if err != nil {
		return err
	}
	if m.Project != project {
		return fmt.Errorf("the bundle is of project %q, not %q", m.Project, project)
	}
	return n.store.adopt(project, id, filepath.Join(tmp, "d"))
}

// telemetrySubject is where nodes share their probes.
const telemetrySubject = "wasmpages.telemetry"

// load loads a deployment from disk, with its secrets, and makes it the
// project's active one.
func (n *node) load(ctx context.Context, project string, d cluster.Deployment) error {
	start := time.Now()
	env, err := n.box.Open(project, d.ID, d.Secrets)
	if err != nil {
		return err
	}
	key := d.Key()
	s, pl, err := n.openSite(ctx, n.store.deployment(project, d.ID), key, env)
	if err != nil {
		return err
	}
	if len(s.Problems()) > 0 {
		s.Close(ctx)
		return fmt.Errorf("%d modules failed to load: %v", len(s.Problems()), s.Problems())
	}
	n.sites.swap(project, s)
	n.fleet.setPlacer(pl)
	if err := n.store.setActive(project, d); err != nil {
		n.logger.Warn("recording the active deployment", "project", project, "err", err)
	}
	n.setState(project, key, nil)
	n.logger.Info("deployment active", "project", project, "deployment", short(d.ID), "secrets", len(env), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// openSite loads a deployment directory as a site of this node, with the
// placer of its modules. key is the deployment's (cluster.Deployment.Key),
// env its secrets.
func (n *node) openSite(ctx context.Context, dir, key string, env map[string]string) (*site.Site, *placer, error) {
	p, err := config.Load(dir)
	if err != nil {
		return nil, nil, err
	}
	pl := newPlacer(n.fleet, p, key)
	s, err := site.Load(ctx, site.Options{
		Dir: dir, Project: p, Region: n.cfg.Region, Cache: n.cache, Logger: n.logger,
		Deployment: key, Secrets: env, Remote: pl.remote(n.signer, n.client),
	})
	return s, pl, err
}

// setState records whether this node serves a project's deployment, and
// tells the cluster.
func (n *node) setState(project, id string, err error) {
	n.mu.Lock()
	if err != nil {
		n.failed[project] = id + ": " + err.Error()
	} else {
		n.ready[project] = id
		delete(n.failed, project)
	}
	n.mu.Unlock()
	n.announce(context.Background())
}

// member is what this node tells the cluster about itself.
func (n *node) member() cluster.Member {
	n.mu.Lock()
	defer n.mu.Unlock()
	return cluster.Member{
		Node: n.cfg.Name, Region: n.cfg.Region, ClusterURL: n.cfg.Cluster.URL,
		Started: n.started, Ready: maps.Clone(n.ready), Failed: maps.Clone(n.failed),
		Updated: time.Now(),
	}
}

func (n *node) announce(ctx context.Context) {
	if n.control == nil {
		return // still loading from disk, before joining
	}
	if err := n.control.Announce(ctx, n.member()); err != nil && !errors.Is(err, context.Canceled) {
		n.logger.Debug("announcing this node", "err", err)
	}
}

// heartbeat announces this node well within the membership TTL, and
// reads the membership afresh: the watch reports changes as they come,
// this bounds how stale the view can get if the watch falls behind.
func (n *node) heartbeat(ctx context.Context) {
	t := time.NewTicker(heartbeatEvery)
	defer t.Stop()
	saved := time.Now()
	for {
		n.announce(ctx)
		if ms, err := n.control.Members(ctx); err == nil {
			n.fleet.setMembers(ms)
		}
		if time.Since(saved) >= rosterEvery {
			saved = time.Now()
			if err := n.fleet.saveSeen(); err != nil {
				n.logger.Warn("saving the nodes seen", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// heartbeatEvery is a third of the control plane's default membership TTL.
const heartbeatEvery = 3 * time.Second

// leave stops following the control plane and taking forwarded work; the
// node still serves what is in flight.
func (n *node) leave() {
	if n.cancel != nil {
		n.cancel()
	}
}

// close stops the node's background work and frees its sites.
func (n *node) close() {
	n.leave()
	n.wg.Wait()
	if err := n.fleet.saveSeen(); err != nil {
		n.logger.Warn("saving the nodes seen", "err", err)
	}
	n.control.Close()
	n.client.Close()
	n.sites.close()
}

// short is how logs name a deployment.
func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
