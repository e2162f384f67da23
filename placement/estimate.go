package placement

import (
	"math"
	"strconv"
	"time"
)

// Sources of a round trip in a report.
const (
	// SourcePassive: the median of the module's own round trips from the
	// region, as the host timed them.
	SourcePassive = "passive"
	// SourceProbe: the median of the region's recent probes, plus the
	// origin's server time.
	SourceProbe = "probe"
)

// rttState says how much is known of a round trip or an estimate, from best
// to worst.
type rttState uint8

const (
	rttKnown       rttState = iota
	rttMissing              // no measurement in the window
	rttUnreachable          // measured: no answer; the estimate is infinite
)

// estimate is one candidate region's estimated duration of a module's
// request entering at one ingress.
type estimate struct {
	value float64 // nanoseconds; meaningful when state is rttKnown
	state rttState
	// culprit is, when state is not rttKnown, the target whose round trip
	// is missing or unreachable: an origin, or the candidate's
	// "region:<name>" for the forwarding hop.
	culprit int
}

// finite reports whether e is a known, finite estimate.
func (e estimate) finite() bool {
	return e.state == rttKnown
}

// probeRTT returns the median of the recent probes from region from to
// target to, and how many there are.
func (e *Engine) probeRTT(from, to int, since time.Time) (float64, int, rttState) {
	s := e.probes[probeKey{from, to}]
	if s == nil {
		return 0, 0, rttMissing
	}
	var buf [probeCapacity]float64
	vals := s.recent(since, buf[:0])
	if len(vals) == 0 {
		return 0, 0, rttMissing
	}
	v := median(vals)
	if math.IsInf(v, 1) {
		return v, len(vals), rttUnreachable
	}
	return v, len(vals), rttKnown
}

// regionRTT returns the round trip between regions i and r: i's probes of r,
// or if it has none, r's probes of i.
func (e *Engine) regionRTT(i, r int, since time.Time) (float64, rttState) {
	v, _, st := e.probeRTT(i, e.names.regionTarget[r], since)
	if st == rttMissing {
		v, _, st = e.probeRTT(r, e.names.regionTarget[i], since)
	}
	return v, st
}

// originProbeRTT returns region r's probes of origin target t: of the
// origin itself, or if there are none, of its host:port over TCP.
func (e *Engine) originProbeRTT(r, t int, since time.Time) (float64, int, rttState) {
	if t == noID {
		return 0, 0, rttMissing
	}
	v, n, st := e.probeRTT(r, t, since)
	if st == rttMissing && e.names.tcp[t] != noID {
		v, n, st = e.probeRTT(r, e.names.tcp[t], since)
	}
	return v, n, st
}

// backendRTT returns the round trip from region r to the module's origin at
// index o, where it came from, and from how many samples. In order of
// preference: the median of at least PassiveMinSamples passive timings; the
// median of the probes plus the origin's server time; the median of fewer
// passive timings (the module reached the origin from r, whatever the
// probes say); an unreachable verdict of the probes.
func (e *Engine) backendRTT(m *module, r, o int, since time.Time) (float64, string, int, rttState) {
	cell := m.passiveCell(r, o, false)
	if cell != nil && cell.count >= e.cfg.PassiveMinSamples {
		return cell.median, SourcePassive, cell.count, rttKnown
	}
	v, n, st := e.originProbeRTT(r, m.origins[o], since)
	if st == rttKnown {
		return v + m.serverTime[o], SourceProbe, n, rttKnown
	}
	if cell != nil && cell.count > 0 {
		return cell.median, SourcePassive, cell.count, rttKnown
	}
	if st == rttUnreachable {
		return v, SourceProbe, n, rttUnreachable
	}
	return 0, "", 0, rttMissing
}

// estimate computes est(i, r) for module m:
//
//	hop(i, r) + Σ_b n_b · rtt(r, b) + compute
//
// with hop(i, i) = 0. An unreachable input makes the estimate infinite; a
// missing one makes it unknown (unreachable wins). If det is not nil, it is
// filled with the inputs, for Explain.
func (e *Engine) estimate(m *module, i, r int, since time.Time, det *Candidate) estimate {
	est := estimate{culprit: noID}
	var hop, hopRTT float64
	if r != i {
		v, st := e.regionRTT(i, r, since)
		if st != rttKnown {
			est.state, est.culprit = st, e.names.regionTarget[r]
		} else {
			hopRTT, hop = v, v+float64(e.cfg.ForwardOverhead)
		}
	}
	var sum float64
	for o, n := range m.roundTrips {
		if n == 0 {
			continue
		}
		v, src, count, st := e.backendRTT(m, r, o, since)
		if st > est.state {
			est.state, est.culprit = st, m.origins[o]
		}
		if st == rttKnown {
			sum += n * v
		}
		if det != nil {
			b := CandidateBackend{
				Origin:      e.targetName(m.origins[o]),
				RoundTrips:  n,
				Source:      src,
				Samples:     count,
				Unreachable: st == rttUnreachable,
			}
			if st == rttKnown {
				b.RTT = nanos(v)
				if src == SourceProbe {
					b.ServerTime = nanos(m.serverTime[o])
				}
			}
			det.Backends = append(det.Backends, b)
		}
	}
	if est.state == rttKnown {
		est.value = hop + sum + m.compute
	}
	if det != nil {
		det.Region = e.regionName(r)
		det.Compute = nanos(m.compute)
		det.HopRTT, det.Hop = nanos(hopRTT), nanos(hop)
		switch est.state {
		case rttKnown:
			det.Estimate = nanos(est.value)
		case rttUnreachable:
			det.Unreachable = e.targetName(est.culprit)
		case rttMissing:
			det.Missing = e.missing(r, i, est.culprit)
		}
	}
	return est
}

// missing says which measurement candidate r lacks for ingress i.
func (e *Engine) missing(r, i, culprit int) string {
	switch {
	case culprit == noID:
		return "no round trip to more than " + strconv.Itoa(maxOrigins) + " origins"
	case culprit == e.names.regionTarget[r]:
		return "no probe between " + e.regionName(i) + " and " + e.regionName(r)
	}
	return "no probe from " + e.regionName(r) + " to " + e.targetName(culprit)
}

// targetName returns how reports name target t: the region for a
// "region:<name>", the canonical spelling otherwise.
func (e *Engine) targetName(t int) string {
	if t == noID {
		return "more than " + strconv.Itoa(maxOrigins) + " origins"
	}
	s := e.names.targets[t]
	if len(s) > len(regionPrefix) && s[:len(regionPrefix)] == regionPrefix {
		return "region " + s[len(regionPrefix):]
	}
	return s
}

// nanos converts nanoseconds to a Duration, rounding.
func nanos(v float64) Duration {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return 0
	}
	return Duration(math.Round(v))
}
