package placement

import "time"

// RevertReport says why a module was reverted.
type RevertReport struct {
	// Ingress is the region whose durations showed placement slower.
	Ingress string `json:"ingress"`
	// At is the time of the refresh that reverted it.
	At time.Time `json:"at"`
	// Placed and Baseline are the medians compared.
	Placed   Duration `json:"placed_p50"`
	Baseline Duration `json:"baseline_p50"`
}

// judge reverts module m, for the life of the Engine, when for some ingress
// there are at least Config.RevertMinSamples placed and as many baseline
// durations in the window and the placed median exceeds the baseline median
// by more than Config.RevertTolerance. Ingresses are judged in the order of
// their ids, so replays revert on the same one.
func (e *Engine) judge(m *module, now, since time.Time) {
	if m.reverted {
		return
	}
	for i, oc := range m.outcomes {
		if oc == nil || oc.placedCount < e.cfg.RevertMinSamples || oc.baselineCount < e.cfg.RevertMinSamples {
			continue
		}
		e.scratch = oc.placed.recent(since, e.scratch[:0])
		placed := median(e.scratch)
		e.scratch = oc.baseline.recent(since, e.scratch[:0])
		baseline := median(e.scratch)
		if placed > baseline*(1+e.cfg.RevertTolerance) {
			m.reverted = true
			m.revert = RevertReport{Ingress: e.regionName(i), At: now, Placed: nanos(placed), Baseline: nanos(baseline)}
			return
		}
	}
}

// baselineShare returns the share of module m's placed requests from
// ingress i to keep local as the baseline: Config.Baseline, raised to at
// least raisedBaseline while i has fewer than Config.RevertMinSamples
// baseline durations in the window (as counted at the last refresh), so
// that a newly placed module can be judged within seconds rather than after
// hundreds of requests. A Baseline of zero (configured negative) is kept.
func (e *Engine) baselineShare(m *module, i int) float64 {
	share := e.cfg.Baseline
	if share == 0 {
		return 0
	}
	if oc := m.outcomesOf(i, false); oc == nil || oc.baselineCount < e.cfg.RevertMinSamples {
		share = max(share, raisedBaseline)
	}
	return share
}
