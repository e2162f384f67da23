package placement

import (
	"math"
	"time"
)

// Invocation is one run of one module as the host saw it. Invocations
// observed on other nodes may be given too: nothing assumes that Ingress is
// the engine's own region.
type Invocation struct {
	// Module names the module (its path in the deployment).
	Module string
	// Ingress is the region the user's request entered; "" means the
	// engine's own region.
	Ingress string
	// Ran is the region that ran the module; "" means Ingress.
	Ran string
	// Placed is set when the ingress forwarded the request because of a
	// placement decision (a hint, smart placement or a target).
	Placed bool
	// Baseline is set when the ingress kept the request local as part of
	// the baseline share. An invocation with both Placed and Baseline set
	// counts as neither for the revert.
	Baseline bool
	// Duration is the request's duration as measured at the ingress, the
	// forwarding hop included (spec §1.6).
	Duration time.Duration
	// Backends holds, per back-end origin, the round trips that the module
	// made to it one after another.
	Backends []Backend
	// At is when the invocation ended.
	At time.Time
}

// Backend is one invocation's sequential round trips to one origin.
type Backend struct {
	// Origin is "scheme://host:port", such as "https://db.internal:443";
	// a missing default port, case and any path are ignored.
	Origin string
	// Sequential is the number of round trips to it that ran one after
	// another (each waited for the previous one); round trips that
	// overlapped count once per overlapping group. Only round trips that
	// got an answer count: a refused connection is quick, and would make
	// the region that ran the module look near the origin.
	Sequential int
	// Total is the summed duration of those round trips.
	Total time.Duration
}

// Probe is one active measurement of a round trip from a region.
type Probe struct {
	// From is the region that probed.
	From string
	// To is an origin ("https://api.internal", HTTP), a "host:port" (TCP),
	// or "region:<name>" (a peer region's cluster listener).
	To string
	// RTT is the measured round trip; ignored when Reachable is false.
	RTT time.Duration
	// Reachable is false when the target did not answer.
	Reachable bool
	// At is when the probe was made.
	At time.Time
}

// Observe records one invocation. It is cheap: figures are recomputed at
// the module's next refresh.
func (e *Engine) Observe(inv Invocation) {
	if inv.Module == "" {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advance(inv.At)

	m := e.modules[inv.Module]
	if m == nil {
		m = newModule(inv.Module, e.cfg.MinInvocations)
		e.modules[inv.Module] = m
	}
	ingress := e.self
	if inv.Ingress != "" {
		ingress = e.names.region(inv.Ingress)
	}
	ran := ingress
	if inv.Ran != "" {
		ran = e.names.region(inv.Ran)
	}

	c := m.nextSlot()
	c.at, c.ingress, c.ran, c.duration = inv.At, ingress, ran, max(0, inv.Duration)
	c.backends = c.backends[:0]
	for _, b := range inv.Backends {
		if b.Sequential <= 0 {
			continue
		}
		o, ok := m.origin(e.names.target(b.Origin))
		if !ok {
			// Too many origins: count the round trips against an origin no
			// probe ever names, so that the module has no estimate anywhere
			// and stays at the ingress rather than be placed on half the
			// picture.
			o, _ = m.origin(noID)
		}
		total := max(0, b.Total)
		if k := indexOfOrigin(c.backends, o); k >= 0 {
			c.backends[k].sequential += b.Sequential
			c.backends[k].total += total
		} else {
			c.backends = append(c.backends, callBackend{origin: o, sequential: b.Sequential, total: total})
		}
		if ok {
			m.passiveCell(ran, o, true).timings.add(inv.At, float64(total)/float64(b.Sequential))
		}
	}

	switch {
	case inv.Placed && !inv.Baseline:
		m.outcomesOf(ingress, true).placed.add(inv.At, float64(c.duration))
	case inv.Baseline && !inv.Placed:
		m.outcomesOf(ingress, true).baseline.add(inv.At, float64(c.duration))
	}
}

// indexOfOrigin returns the index in bs of origin o, or -1.
func indexOfOrigin(bs []callBackend, o int) int {
	for k := range bs {
		if bs[k].origin == o {
			return k
		}
	}
	return -1
}

// ObserveProbe records one probe. An unreachable probe counts as an
// infinite round trip.
func (e *Engine) ObserveProbe(p Probe) {
	if p.From == "" || p.To == "" {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advance(p.At)

	k := probeKey{from: e.names.region(p.From), to: e.names.target(p.To)}
	s := e.probes[k]
	if s == nil {
		s = newSeries(probeCapacity)
		e.probes[k] = s
	}
	v := math.Inf(1)
	if p.Reachable {
		v = float64(max(0, p.RTT))
	}
	s.add(p.At, v)
}
