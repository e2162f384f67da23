package host

import (
	"context"
	"encoding/json"
	"maps"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wasmpages/wasmpages/host/internal/cluster"
	"github.com/wasmpages/wasmpages/host/internal/forward"
	"github.com/wasmpages/wasmpages/host/internal/metrics"
	"github.com/wasmpages/wasmpages/host/internal/site"
	"github.com/wasmpages/wasmpages/placement"
)

// fleet is what one node knows of the others and shares with them: the
// live members, the back-end origins seen, the placers of the deployments
// it serves, and the probes. Every few seconds it probes each origin seen
// anywhere in the cluster and each other region, feeds the results to its
// placers and publishes them for the other regions' nodes.
type fleet struct {
	region, node string
	client       *forward.Client
	metrics      *metrics.Registry
	// dial opens the probes' connections; tests and simulations put the
	// network emulator here.
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// publish shares a telemetry message with the other nodes; nil shares
	// nothing.
	publish func(telemetry)

	members atomic.Pointer[[]cluster.Member]
	// kick asks for a probe round now: a new origin was seen, and the
	// regions should measure it before the next tick.
	kick chan struct{}

	mu   sync.Mutex
	seen map[string]cluster.Member // every member seen live, as last seen
	// rosterPath is where seen is kept across restarts (roster.go).
	rosterPath string
	origins    map[string]time.Time // back-end origins, by when last seen
	placers    map[string]*placer   // by project: the active deployment's
	// remote holds the latest probes of other regions, replayed into a
	// new placer so that it does not start blind.
	remote map[string]placement.Probe
}

func newFleet(region, node string, client *forward.Client, m *metrics.Registry) *fleet {
	f := &fleet{
		region: region, node: node, client: client, metrics: m,
		dial:    (&net.Dialer{Timeout: probeTimeout}).DialContext,
		origins: map[string]time.Time{}, placers: map[string]*placer{}, remote: map[string]placement.Probe{},
		kick: make(chan struct{}, 1), seen: map[string]cluster.Member{},
	}
	f.members.Store(&[]cluster.Member{})
	return f
}

// telemetry is what a node shares every probe round: its probes, and the
// origins its functions called, for the other regions to probe too.
type telemetry struct {
	Region  string            `json:"region"`
	Node    string            `json:"node"`
	Probes  []placement.Probe `json:"probes"`
	Origins []string          `json:"origins"`
}

// probeEvery is how often a node probes; probeTimeout bounds one probe.
const (
	probeEvery   = 2 * time.Second
	probeTimeout = 2 * time.Second
	// originTTL forgets an origin no function has called for this long.
	originTTL = 10 * time.Minute
)

func (f *fleet) peers() []cluster.Member { return *f.members.Load() }

// setMembers records the live membership and tells every placer the
// regions it may place in.
func (f *fleet) setMembers(ms []cluster.Member) {
	f.members.Store(&ms)
	regions := f.regions()
	f.mu.Lock()
	now, added := time.Now(), false
	for _, m := range ms {
		_, known := f.seen[m.Node]
		added = added || !known
		m.Updated = now // when this node last saw it live
		f.seen[m.Node] = m
	}
	for _, p := range f.placers {
		if p.engine != nil {
			p.engine.SetRegions(regions)
		}
	}
	f.mu.Unlock()
	if added {
		f.saveSeen() // best effort: the next save retries
	}
}

// down returns the members seen live (since this node started, or before
// it, see roster.go) that are not in live, as last seen (Updated is when):
// the nodes that are down or cut off.
func (f *fleet) down(live []cluster.Member) []cluster.Member {
	up := map[string]bool{}
	for _, m := range live {
		up[m.Node] = true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []cluster.Member
	for name, m := range f.seen {
		if !up[name] {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b cluster.Member) int { return strings.Compare(a.Node, b.Node) })
	return out
}

// regions returns this node's region and every live member's.
func (f *fleet) regions() []string {
	rs := []string{f.region}
	for _, m := range f.peers() {
		if !slices.Contains(rs, m.Region) {
			rs = append(rs, m.Region)
		}
	}
	slices.Sort(rs)
	return rs
}

// setPlacer makes p the placer of its project, replaying the latest
// probes into it.
func (f *fleet) setPlacer(p *placer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.placers[p.project] = p
	if p.engine != nil {
		for _, pr := range f.remote {
			p.engine.ObserveProbe(pr)
		}
	}
	if f.metrics != nil {
		f.metrics.Forget(p.project)
	}
}

// placer returns a project's active placer, or nil.
func (f *fleet) placer(project string) *placer {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.placers[project]
}

// sawOrigin records a back-end origin a function called.
func (f *fleet) sawOrigin(origin string) {
	f.mu.Lock()
	_, known := f.origins[origin]
	f.origins[origin] = time.Now()
	f.mu.Unlock()
	if !known {
		f.probeSoon()
	}
}

// probeSoon asks for a probe round before the next tick.
func (f *fleet) probeSoon() {
	select {
	case f.kick <- struct{}{}:
	default:
	}
}

// record counts a run in the metrics.
func (f *fleet) record(project string, r *site.Run) {
	if f.metrics == nil || r.Ingress != f.region {
		return
	}
	kind := "local"
	switch {
	case r.Placed:
		kind = "placed"
	case r.Baseline:
		kind = "baseline"
	}
	f.metrics.Request(project, r.Module, kind, r.Ran, r.Duration)
	if r.Forward != "" {
		f.metrics.Forward(project, r.Target, r.Forward)
	}
	for _, b := range r.Backends {
		if b.Sequential > 0 {
			f.metrics.Subrequest(project, b.Origin, b.Total/time.Duration(b.Sequential))
		}
	}
}

// receive takes another node's telemetry.
func (f *fleet) receive(t telemetry) {
	if t.Node == f.node {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := time.Now()
	for _, o := range t.Origins {
		if _, ok := f.origins[o]; !ok {
			f.origins[o] = now
			f.probeSoon()
		}
	}
	for _, pr := range t.Probes {
		pr.From = t.Region
		f.remote[pr.From+" "+pr.To] = pr
		for _, p := range f.placers {
			if p.engine != nil {
				p.engine.ObserveProbe(pr)
			}
		}
	}
}

// run probes every probeEvery until ctx is done.
func (f *fleet) run(ctx context.Context) {
	t := time.NewTicker(probeEvery)
	defer t.Stop()
	for {
		f.probeRound(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-f.kick:
		}
	}
}

// probeTarget is one thing to probe: To is how placement names it, addr
// what to dial, or url what to send a HEAD to.
type probeTarget struct {
	To, addr, url string
}

// targets lists what to probe: every origin seen, each peer region (its
// nodes' cluster listeners), and the targeted hosts of the placers.
func (f *fleet) targets() []probeTarget {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []probeTarget
	now := time.Now()
	for o, seen := range f.origins {
		if now.Sub(seen) > originTTL {
			delete(f.origins, o)
			continue
		}
		if addr := hostPort(o); addr != "" {
			out = append(out, probeTarget{To: o, addr: addr})
		}
	}
	for _, m := range f.peers() {
		if m.Region != f.region {
			if addr := hostPort(m.ClusterURL); addr != "" {
				out = append(out, probeTarget{To: "region:" + m.Region, addr: addr})
			}
		}
	}
	for _, p := range f.placers {
		if p.host != "" {
			out = append(out, probeTarget{To: p.host, addr: p.host})
		}
		if p.hostname != "" {
			out = append(out, probeTarget{To: "https://" + p.hostname, url: "https://" + p.hostname + "/"})
		}
	}
	return out
}

// probeRound probes every target at once, feeds the results to the
// placers (a region's result is the fastest of its nodes) and publishes
// them.
func (f *fleet) probeRound(ctx context.Context) {
	targets := f.targets()
	results := make([]placement.Probe, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rtt, err := f.probe(ctx, t)
			results[i] = placement.Probe{From: f.region, To: t.To, RTT: rtt, Reachable: err == nil, At: time.Now()}
		}()
	}
	wg.Wait()
	best := map[string]placement.Probe{}
	for _, r := range results {
		if b, ok := best[r.To]; !ok || r.Reachable && (!b.Reachable || r.RTT < b.RTT) {
			best[r.To] = r
		}
	}
	var probes []placement.Probe
	f.mu.Lock()
	for _, pr := range best {
		probes = append(probes, pr)
		for _, p := range f.placers {
			if p.engine != nil {
				p.engine.ObserveProbe(pr)
			}
		}
		if f.metrics != nil {
			f.metrics.Probe(pr.To, pr.RTT, pr.Reachable)
		}
	}
	var origins []string
	for o := range f.origins {
		origins = append(origins, o)
	}
	placers := slices.Collect(maps.Values(f.placers))
	f.mu.Unlock()
	if f.metrics != nil {
		for _, p := range placers {
			if p.engine == nil {
				continue
			}
			for _, m := range p.engine.Explain(time.Now()).Modules {
				f.metrics.SetPlacementStatus(p.project, m.Module, m.Status)
			}
		}
	}
	if f.publish != nil {
		f.publish(telemetry{Region: f.region, Node: f.node, Probes: probes, Origins: origins})
	}
}

// probe measures one round trip: a TCP connect, or an HTTP HEAD.
func (f *fleet) probe(ctx context.Context, t probeTarget) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	start := time.Now()
	if t.url != "" {
		return headProbe(ctx, f.dial, t.url, start)
	}
	c, err := f.dial(ctx, "tcp", t.addr)
	if err != nil {
		return 0, err
	}
	rtt := time.Since(start)
	c.Close()
	return rtt, nil
}

// hostPort returns the host:port of an origin or URL, with the scheme's
// default port.
func hostPort(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return ""
	}
	if u.Port() != "" {
		return u.Host
	}
	switch u.Scheme {
	case "https":
		return net.JoinHostPort(u.Hostname(), "443")
	case "http":
		return net.JoinHostPort(u.Hostname(), "80")
	}
	return ""
}

// marshalTelemetry and unmarshalTelemetry are its wire form.
func marshalTelemetry(t telemetry) []byte {
	b, _ := json.Marshal(t)
	return b
}

func unmarshalTelemetry(b []byte) (telemetry, bool) {
	var t telemetry
	return t, json.Unmarshal(b, &t) == nil && t.Region != ""
}
