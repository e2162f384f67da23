package placement

import "time"

// refresh recomputes module m's figures, judges its revert, and decides for
// this node's region, if Config.Refresh has passed since the last time (in
// the time passed in), or force is set. It allocates nothing once the
// module's buffers have grown to fit.
func (e *Engine) refresh(m *module, now time.Time, force bool) {
	if m.computed && !force && !e.due(m.computedAt, now) {
		return
	}
	m.computed, m.computedAt = true, now
	since := e.since(now)
	e.computeFigures(m, since)
	if e.cfg.Mode == ModeSmart {
		e.judge(m, now, since)
	}
	m.status = e.statusOf(m)
	if e.cfg.Mode == ModeSmart {
		e.decideIngress(m, e.self, since)
	}
}

// computeFigures computes, from the observations since the start of the
// window: the invocation count, n_b (the mean number of sequential round
// trips per invocation to each origin, over the invocations in the window,
// those with none included), compute (the median of each invocation's
// duration less its sequential round trips and its forwarding hop), the
// median of the passive timings of each region and origin, each origin's
// server time, and the counts of placed and baseline durations.
func (e *Engine) computeFigures(m *module, since time.Time) {
	buf := e.scratch[:0]
	clear(m.roundTrips)
	n := 0
	for k := range m.calls {
		c := &m.calls[k]
		if c.at.Before(since) {
			continue
		}
		n++
		var rounds float64
		for _, b := range c.backends {
			m.roundTrips[b.origin] += float64(b.sequential)
			rounds += float64(b.total)
		}
		var hop float64
		if c.ran != c.ingress {
			v, st := e.regionRTT(c.ingress, c.ran, since)
			if st != rttKnown {
				continue
			}
			hop = v + float64(e.cfg.ForwardOverhead)
		}
		buf = append(buf, max(0, float64(c.duration)-rounds-hop))
	}
	m.invocations = n
	m.totalTrips = 0
	for o := range m.roundTrips {
		if n > 0 {
			m.roundTrips[o] /= float64(n)
		}
		m.totalTrips += m.roundTrips[o]
	}
	m.compute = median(buf)

	for r := range m.passive {
		for o := range m.passive[r] {
			p := &m.passive[r][o]
			if p.timings == nil {
				continue
			}
			buf = p.timings.recent(since, buf[:0])
			p.count, p.median = len(buf), median(buf)
		}
	}

	// The server time of an origin is the median, over the regions with
	// enough passive timings and a probe of it, of how much longer the
	// module's round trips took than the probes': the time the origin
	// spends answering, which probes do not measure. It is added to
	// probe-based round trips so that they compare with passive ones.
	for o, t := range m.origins {
		buf = buf[:0]
		for r := range m.passive {
			p := m.passiveCell(r, o, false)
			if p == nil || p.count < e.cfg.PassiveMinSamples {
				continue
			}
			if v, _, st := e.originProbeRTT(r, t, since); st == rttKnown {
				buf = append(buf, max(0, p.median-v))
			}
		}
		m.serverTime[o] = median(buf)
	}

	for _, oc := range m.outcomes {
		if oc != nil {
			oc.placedCount, oc.baselineCount = oc.placed.count(since), oc.baseline.count(since)
		}
	}
	e.scratch = buf[:0]
}

// statusOf returns module m's status (spec §1.5) from its figures.
func (e *Engine) statusOf(m *module) string {
	switch {
	case e.cfg.Mode != ModeSmart:
		return StatusNone
	case m.reverted:
		return StatusUnsupportedApplication
	case m.invocations < e.cfg.MinInvocations:
		return StatusInsufficientInvocations
	}
	return StatusSuccess
}

// worse returns the worse of two statuses for a project (spec §1.5):
// UNSUPPORTED_APPLICATION, then SUCCESS, then INSUFFICIENT_INVOCATIONS,
// then none.
func worse(a, b string) string {
	rank := func(s string) int {
		switch s {
		case StatusUnsupportedApplication:
			return 3
		case StatusSuccess:
			return 2
		case StatusInsufficientInvocations:
			return 1
		}
		return 0
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}
