package host

import (
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/wasmpages/wasmpages/host/internal/config"
	"github.com/wasmpages/wasmpages/host/internal/forward"
	"github.com/wasmpages/wasmpages/host/internal/site"
	"github.com/wasmpages/wasmpages/placement"
)

// placer places the modules of one deployment on one node: it holds the
// deployment's placement engine (one per deployment, so that a status such
// as UNSUPPORTED_APPLICATION lasts until the next deploy), chooses the node
// of a region to forward to, and feeds what ran where back to the engine,
// the metrics and the probes.
type placer struct {
	region, project, deployment string
	// engine is nil when placement is off: every module runs here.
	engine *placement.Engine
	// host and hostname are the targeted modes' probe targets.
	host, hostname string
	fleet          *fleet
	turn           atomic.Uint32
}

// newPlacer returns the placer of a deployment of p.
func newPlacer(f *fleet, p *config.Project, deployment string) *placer {
	cfg := p.Placement.Normalized()
	pl := &placer{region: f.region, project: p.Name, deployment: deployment, fleet: f, host: cfg.Host, hostname: cfg.Hostname}
	if cfg.Mode == config.PlacementOff {
		return pl
	}
	pl.engine = placement.New(placement.Config{
		Mode: cfg.Mode, Hint: cfg.Hint, Region: cfg.Region, Host: cfg.Host, Hostname: cfg.Hostname,
		Seed: rand.Uint64(),
	}, f.region, f.regions())
	return pl
}

// remote is how the deployment's site reaches the other nodes.
func (p *placer) remote(signer *forward.Signer, client *forward.Client) *site.Remote {
	return &site.Remote{Signer: signer, Client: client, Place: p.place, Observe: p.observe}
}

// place decides where a module runs for one request.
func (p *placer) place(module string, _ int) site.Target {
	if p.engine == nil {
		return site.Target{}
	}
	d := p.engine.Decide(module, time.Now())
	if d.Region == "" || d.Region == p.region {
		return site.Target{Baseline: d.Baseline}
	}
	url, ok := p.pick(d.Region)
	if !ok {
		return site.Target{} // no node of that region serves this deployment
	}
	return site.Target{URL: url, Region: d.Region, Placed: true}
}

// pick chooses, round robin, a node of region that serves the deployment
// and is not marked down.
func (p *placer) pick(region string) (string, bool) {
	var urls [8]string
	n := 0
	for _, m := range p.fleet.peers() {
		if n < len(urls) && m.Region == region && m.Ready[p.project] == p.deployment && !p.fleet.client.Down(m.ClusterURL) {
			urls[n] = m.ClusterURL
			n++
		}
	}
	if n == 0 {
		return "", false
	}
	return urls[int(p.turn.Add(1))%n], true
}

// observe learns from a request's runs.
func (p *placer) observe(runs []site.Run) {
	now := time.Now()
	for i := range runs {
		r := &runs[i]
		for _, b := range r.Backends {
			p.fleet.sawOrigin(b.Origin)
		}
		if p.engine != nil {
			p.engine.Observe(placement.Invocation{
				Module: r.Module, Ingress: r.Ingress, Ran: r.Ran, Placed: r.Placed, Baseline: r.Baseline,
				Duration: r.Duration, Backends: r.Backends, At: now,
			})
		}
		p.fleet.record(p.project, r)
	}
}
