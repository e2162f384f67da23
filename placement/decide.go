package placement

import (
	"math"
	"time"
)

// Decision says where one request of one module runs.
type Decision struct {
	// Region is the region to forward the request to, or "" to run it at
	// the ingress.
	Region string `json:"region"`
	// Reason names why; see the Reason constants for the fixed ones and
	// the patterns of the others.
	Reason string `json:"reason"`
	// Baseline is set when the request stays at the ingress as part of
	// the baseline share (spec §1.6); the host reports its invocation with
	// Invocation.Baseline.
	Baseline bool `json:"baseline,omitempty"`
}

// Decide answers for one request of module entering at this node's region at
// time now. In smart mode it draws the baseline share from the engine's
// seeded source. It is cheap: it recomputes the module's estimates at most
// once per Config.Refresh of the time passed in, and otherwise reads them;
// in the steady state it allocates nothing.
func (e *Engine) Decide(module string, now time.Time) Decision {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advance(now)
	switch e.cfg.Mode {
	case ModeSmart:
		return e.decideSmart(module, now)
	case ModeTargeted:
		return e.target.decide(e, e.self, now)
	}
	return Decision{Reason: ReasonOff}
}

// decideSmart is Decide in smart mode.
func (e *Engine) decideSmart(name string, now time.Time) Decision {
	m := e.modules[name]
	if m == nil {
		return e.beforeData(e.self)
	}
	e.refresh(m, now, false)
	d := m.ingress(e.self).decision
	if d.Region != "" && m.status == StatusSuccess {
		if share := e.baselineShare(m, e.self); share > 0 && e.rng.Float64() < share {
			return Decision{Reason: ReasonBaseline, Baseline: true}
		}
	}
	return d
}

// beforeData is the decision for ingress i of a module with fewer than
// Config.MinInvocations invocations: the hint region if there is one, else
// the ingress.
func (e *Engine) beforeData(i int) Decision {
	switch e.hint {
	case noID:
		return Decision{Reason: ReasonInsufficient}
	case i:
		return Decision{Reason: ReasonHint}
	}
	return Decision{Region: e.regionName(e.hint), Reason: ReasonHint}
}

// decideIngress updates module m's decision for ingress i (smart mode).
func (e *Engine) decideIngress(m *module, i int, since time.Time) {
	st := m.ingress(i)
	switch {
	case m.reverted:
		st.current = noID
		e.setDecision(&st.decision, &st.reason, noID, reasonKey{kind: rkReverted})
	case m.invocations < e.cfg.MinInvocations:
		st.current = noID
		if e.hint == noID {
			e.setDecision(&st.decision, &st.reason, noID, reasonKey{kind: rkInsufficient})
		} else {
			region := e.hint
			if region == i {
				region = noID
			}
			e.setDecision(&st.decision, &st.reason, region, reasonKey{kind: rkHint})
		}
	case m.totalTrips < 1:
		// Spec §1.3: fewer than one round trip per invocation on average
		// cannot gain from moving.
		st.current = noID
		e.setDecision(&st.decision, &st.reason, noID, reasonKey{kind: rkFewRoundTrips})
	default:
		e.choose(m, st, i, since)
	}
}

// choose estimates every candidate for ingress i and applies the
// hysteresis: the incumbent (the region the module is placed in, or the
// ingress) is replaced only by the best other candidate, and only when that
// one beats it by the margin. A placed region whose estimate became
// infinite or unknown stops being the incumbent: the ingress is.
func (e *Engine) choose(m *module, st *ingressState, i int, since time.Time) {
	cands := e.candidates
	if cap(st.est) < len(cands) {
		st.est = make([]estimate, len(cands))
	}
	st.est = st.est[:len(cands)]
	local, inc := -1, -1
	for k, r := range cands {
		st.est[k] = e.estimate(m, i, r, since, nil)
		if r == i {
			local = k
		}
		if r == st.current {
			inc = k
		}
	}
	if local < 0 {
		// i is not a candidate: nothing to compare with.
		st.current = noID
		e.setDecision(&st.decision, &st.reason, noID, reasonKey{kind: rkLocalFastest})
		return
	}
	l := st.est[local]
	if l.state == rttMissing {
		st.current = noID
		e.setDecision(&st.decision, &st.reason, noID, reasonKey{kind: rkNoEstimate, region: i, target: l.culprit})
		return
	}
	if inc < 0 || !st.est[inc].finite() {
		inc = local
	}
	if ch := bestExcept(st.est, inc); ch >= 0 && e.beats(st.est[ch].value, value(st.est[inc])) {
		inc = ch
	}

	if inc == local {
		st.current = noID
		k := reasonKey{kind: rkLocalFastest}
		if l.state == rttUnreachable {
			k = reasonKey{kind: rkNoRegion, target: l.culprit}
		} else if b := bestExcept(st.est, local); b >= 0 && st.est[b].value < l.value {
			k = reasonKey{kind: rkWithinMargin, region: cands[b], d: reasonDuration(l.value - st.est[b].value)}
		}
		e.setDecision(&st.decision, &st.reason, noID, k)
		return
	}
	st.current = cands[inc]
	p := st.est[inc].value
	var k reasonKey
	switch {
	case l.state == rttUnreachable:
		k = reasonKey{kind: rkUnreachable, region: i, target: l.culprit}
	case p < l.value:
		k = reasonKey{kind: rkFaster, region: st.current, d: reasonDuration(l.value - p)}
	default:
		k = reasonKey{kind: rkKept, region: st.current, d: reasonDuration(p - l.value)}
	}
	e.setDecision(&st.decision, &st.reason, st.current, k)
}

// bestExcept returns the position of the lowest finite estimate other than
// skip (the first of equals, so the earliest name), or -1.
func bestExcept(est []estimate, skip int) int {
	best := -1
	for k := range est {
		if k != skip && est[k].finite() && (best < 0 || est[k].value < est[best].value) {
			best = k
		}
	}
	return best
}

// value returns an estimate's value, +Inf when unreachable.
func value(e estimate) float64 {
	if e.state == rttUnreachable {
		return math.Inf(1)
	}
	return e.value
}
