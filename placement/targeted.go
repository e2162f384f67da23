package placement

import (
	"math"
	"time"
)

// targetState is the decision of targeted mode, the same for every module.
type targetState struct {
	kind    reasonKind // rkTargetedRegion, rkTargetedHost or rkTargetedHostname
	name    string     // the host or hostname, as configured
	region  string     // the configured region
	targets []int      // the probe targets that measure the host

	computed bool
	at       time.Time
	current  int // region id chosen for a host, or noID
	anyProbe bool
	reason   reasonKey
	decision Decision // its Reason is the reason of every decision
}

// init reads the target from the engine's configuration.
func (t *targetState) init(e *Engine) {
	t.current = noID
	if e.cfg.Mode != ModeTargeted {
		return
	}
	switch {
	case e.cfg.Region != "":
		t.kind, t.region = rkTargetedRegion, e.cfg.Region
	case e.cfg.Host != "":
		t.kind, t.name = rkTargetedHost, e.cfg.Host
		t.targets = []int{e.names.target(e.cfg.Host)}
	case e.cfg.Hostname != "":
		t.kind, t.name = rkTargetedHostname, e.cfg.Hostname
		t.targets = []int{e.names.target("https://" + e.cfg.Hostname), e.names.target("http://" + e.cfg.Hostname)}
	}
}

// regionsChanged makes the next decision choose again among the candidates.
func (t *targetState) regionsChanged(*Engine) {
	t.computed = false
}

// decide returns the targeted decision for ingress i at now.
func (t *targetState) decide(e *Engine, i int, now time.Time) Decision {
	if t.kind == rkTargetedRegion {
		if t.region == e.regionName(i) {
			return Decision{Reason: ReasonTargetedRegion}
		}
		return Decision{Region: t.region, Reason: ReasonTargetedRegion}
	}
	if !t.computed || e.due(t.at, now) {
		t.computed, t.at = true, now
		t.choose(e, e.since(now))
	}
	d := Decision{Reason: t.decision.Reason}
	if t.current != noID && t.current != i {
		d.Region = e.regionName(t.current)
	}
	return d
}

// choose picks the candidate with the lowest round trip to the host, with
// the hysteresis of smart mode: the region chosen before stays unless
// another beats it by the margin or it no longer reaches the host.
func (t *targetState) choose(e *Engine, since time.Time) {
	t.anyProbe = false
	best, bestRTT := noID, math.Inf(1)
	curRTT := math.Inf(1)
	for _, r := range e.candidates {
		v, st := t.rtt(e, r, since)
		if st != rttMissing {
			t.anyProbe = true
		}
		if st != rttKnown {
			continue
		}
		if v < bestRTT {
			best, bestRTT = r, v
		}
		if r == t.current {
			curRTT = v
		}
	}
	switch {
	case best == noID:
		t.current = noID
	case math.IsInf(curRTT, 1) || e.beats(bestRTT, curRTT):
		t.current = best
	}

	k := reasonKey{kind: t.kind}
	switch {
	case t.current != noID:
	case t.anyProbe:
		k = reasonKey{kind: rkNoRegionTarget}
	default:
		k = reasonKey{kind: rkNoProbe}
	}
	region := t.current
	if region == e.self {
		region = noID
	}
	e.setDecision(&t.decision, &t.reason, region, k)
}

// rtt returns region r's round trip to the host: the lowest median of r's
// probes of any of the host's probe targets.
func (t *targetState) rtt(e *Engine, r int, since time.Time) (float64, rttState) {
	v, state := math.Inf(1), rttMissing
	for _, target := range t.targets {
		x, _, st := e.probeRTT(r, target, since)
		switch {
		case st == rttKnown && (state != rttKnown || x < v):
			v, state = x, rttKnown
		case st == rttUnreachable && state == rttMissing:
			state = rttUnreachable
		}
	}
	return v, state
}
