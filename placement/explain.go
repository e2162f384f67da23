package placement

import (
	"cmp"
	"maps"
	"slices"
	"time"
)

// Report is what Explain returns: the engine's view of every module, for the
// admin API. Every slice is in a stable order (modules by name, regions by
// name, origins in the order first seen), so equal engines give equal
// reports.
type Report struct {
	// Region is this node's region.
	Region string `json:"region"`
	// Mode is the effective placement mode.
	Mode string `json:"mode"`
	// Hint is the smart-mode hint, Target the targeted region, host or
	// hostname, as configured.
	Hint   string `json:"hint,omitempty"`
	Target string `json:"target,omitempty"`
	// Status is the project's status: the worst of its modules' (spec
	// §1.5): UNSUPPORTED_APPLICATION if any module is, else SUCCESS if any
	// is, else INSUFFICIENT_INVOCATIONS if any is, else none.
	Status string `json:"status"`
	// At is the time the report was made for.
	At time.Time `json:"at"`
	// Regions are the candidate regions.
	Regions []string `json:"regions"`
	// Targets holds, for a targeted host or hostname, each candidate's
	// round trip to it.
	Targets []TargetRTT `json:"targets,omitempty"`
	// Modules holds every module observed, by name.
	Modules []ModuleReport `json:"modules"`
}

// TargetRTT is one region's round trip to a targeted host.
type TargetRTT struct {
	Region string `json:"region"`
	// RTT is the median of its recent probes; zero unless Reachable.
	RTT       Duration `json:"rtt"`
	Reachable bool     `json:"reachable"`
	// Probed is false when the region has no probe of the host in the
	// window.
	Probed bool `json:"probed"`
	Chosen bool `json:"chosen,omitempty"`
}

// ModuleReport is one module's status, figures and decisions.
type ModuleReport struct {
	Module string `json:"module"`
	Status string `json:"status"`
	// Invocations counts the invocations in the window, from all
	// ingresses.
	Invocations int `json:"invocations"`
	// RoundTrips is Σ n_b: sequential round trips per invocation.
	RoundTrips float64 `json:"round_trips"`
	// Compute is the median time an invocation spends outside its
	// sequential round trips and forwarding hop; the same everywhere, it
	// does not change which candidate is lowest.
	Compute Duration `json:"compute"`
	// Backends holds n_b and the server time of each origin.
	Backends []BackendReport `json:"backends"`
	// Revert is set when the module was reverted.
	Revert *RevertReport `json:"revert,omitempty"`
	// Ingresses holds the decision for requests entering at each
	// candidate region, this node's own first.
	Ingresses []IngressReport `json:"ingresses"`
}

// BackendReport is one origin of a module.
type BackendReport struct {
	Origin string `json:"origin"`
	// RoundTrips is n_b: sequential round trips to it per invocation,
	// the mean over the invocations in the window.
	RoundTrips float64 `json:"round_trips"`
	// ServerTime is how much longer the module's round trips take than
	// probes' (see package doc); added to probe round trips.
	ServerTime Duration `json:"server_time"`
}

// IngressReport is a module's decision for one ingress region. For another
// region than this node's, it is what this engine would decide there from
// its own observations.
type IngressReport struct {
	Ingress string `json:"ingress"`
	// Invocations counts the invocations in the window that entered here.
	Invocations int `json:"invocations"`
	// Decision is the decision without the baseline draw.
	Decision Decision `json:"decision"`
	// Margin is by how much a candidate must beat the ingress's estimate
	// to be placed from there.
	Margin Duration `json:"margin"`
	// BaselineShare is the share of placed requests kept local (smart).
	BaselineShare float64 `json:"baseline_share"`
	// Placed and Baseline are the durations of placed and of baseline
	// invocations from here, measured here (spec §1.12).
	Placed   DurationStats `json:"placed"`
	Baseline DurationStats `json:"baseline"`
	// Candidates holds each candidate region's estimate, by name.
	Candidates []Candidate `json:"candidates"`
}

// DurationStats summarises request durations in the window.
type DurationStats struct {
	Count int      `json:"count"`
	P50   Duration `json:"p50"`
	P95   Duration `json:"p95"`
}

// Candidate is one region's estimate for one ingress, with its inputs:
// Estimate = Hop + Σ RoundTrips × RTT over Backends + Compute.
type Candidate struct {
	Region string `json:"region"`
	// Estimate is set when the estimate is known and finite.
	Estimate Duration `json:"estimate"`
	// Hop is HopRTT (the probed round trip between the ingress and the
	// region) plus the forwarding overhead; zero at the ingress.
	Hop    Duration `json:"hop"`
	HopRTT Duration `json:"hop_rtt"`
	// Compute is the module's compute.
	Compute  Duration           `json:"compute"`
	Backends []CandidateBackend `json:"backends"`
	// Unreachable names what the region cannot reach (an origin, or
	// "region R" for the hop), making the estimate infinite.
	Unreachable string `json:"unreachable,omitempty"`
	// Missing says which measurement is lacking, making the estimate
	// unknown.
	Missing string `json:"missing,omitempty"`
	// Chosen marks the region the decision runs the module in.
	Chosen bool `json:"chosen,omitempty"`
}

// CandidateBackend is one origin's part of a candidate's estimate.
type CandidateBackend struct {
	Origin     string  `json:"origin"`
	RoundTrips float64 `json:"round_trips"`
	// RTT is the round trip from the region to the origin, from Source
	// ("passive" or "probe"; "" when missing) over Samples samples; a
	// probe RTT includes ServerTime.
	RTT         Duration `json:"rtt"`
	Source      string   `json:"source"`
	Samples     int      `json:"samples"`
	ServerTime  Duration `json:"server_time,omitempty"`
	Unreachable bool     `json:"unreachable,omitempty"`
}

// Explain reports, as of now, every module's status, figures and decision
// per ingress region, with each candidate's estimate and its inputs. It
// refreshes every module. Estimates are computed in every mode, to show what
// smart placement would do.
func (e *Engine) Explain(now time.Time) Report {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advance(now)
	since := e.since(now)

	rep := Report{
		Region:  e.regionName(e.self),
		Mode:    e.cfg.Mode,
		Hint:    e.cfg.Hint,
		At:      now,
		Regions: make([]string, 0, len(e.candidates)),
		Modules: []ModuleReport{},
	}
	for _, r := range e.candidates {
		rep.Regions = append(rep.Regions, e.regionName(r))
	}
	if e.cfg.Mode == ModeTargeted {
		rep.Target = cmp.Or(e.cfg.Region, e.cfg.Host, e.cfg.Hostname)
		if e.target.kind != rkTargetedRegion {
			e.target.decide(e, e.self, now)
			for _, r := range e.candidates {
				v, st := e.target.rtt(e, r, since)
				rep.Targets = append(rep.Targets, TargetRTT{
					Region:    e.regionName(r),
					RTT:       nanos(v),
					Reachable: st == rttKnown,
					Probed:    st != rttMissing,
					Chosen:    r == e.target.current,
				})
			}
		}
	}

	ingresses := append([]int{e.self}, slices.DeleteFunc(slices.Clone(e.candidates), func(r int) bool { return r == e.self })...)
	for _, name := range slices.Sorted(maps.Keys(e.modules)) {
		m := e.modules[name]
		e.refresh(m, now, true)
		rep.Status = worse(rep.Status, m.status)
		mr := ModuleReport{
			Module:      name,
			Status:      m.status,
			Invocations: m.invocations,
			RoundTrips:  m.totalTrips,
			Compute:     nanos(m.compute),
			Backends:    make([]BackendReport, len(m.origins)),
		}
		for o, t := range m.origins {
			mr.Backends[o] = BackendReport{Origin: e.targetName(t), RoundTrips: m.roundTrips[o], ServerTime: nanos(m.serverTime[o])}
		}
		if m.reverted {
			r := m.revert
			mr.Revert = &r
		}
		for _, i := range ingresses {
			mr.Ingresses = append(mr.Ingresses, e.explainIngress(m, i, now, since))
		}
		rep.Modules = append(rep.Modules, mr)
	}
	return rep
}

// explainIngress reports module m's decision for ingress i.
func (e *Engine) explainIngress(m *module, i int, now, since time.Time) IngressReport {
	ir := IngressReport{Ingress: e.regionName(i)}
	for k := range m.calls {
		if c := &m.calls[k]; c.ingress == i && !c.at.Before(since) {
			ir.Invocations++
		}
	}
	if oc := m.outcomesOf(i, false); oc != nil {
		ir.Placed = durationStats(oc.placed, since)
		ir.Baseline = durationStats(oc.baseline, since)
	}

	switch e.cfg.Mode {
	case ModeSmart:
		e.decideIngress(m, i, since)
		ir.Decision = m.ingress(i).decision
		ir.BaselineShare = e.baselineShare(m, i)
	case ModeTargeted:
		ir.Decision = e.target.decide(e, i, now)
	default:
		ir.Decision = Decision{Reason: ReasonOff}
	}

	chosen := i
	if ir.Decision.Region != "" {
		chosen = e.names.regionID[ir.Decision.Region]
	}
	for _, r := range e.candidates {
		c := Candidate{Backends: []CandidateBackend{}}
		est := e.estimate(m, i, r, since, &c)
		c.Chosen = r == chosen
		if r == i && est.finite() {
			ir.Margin = nanos(e.margin(est.value))
		}
		ir.Candidates = append(ir.Candidates, c)
	}
	return ir
}

// durationStats summarises the durations of s in the window.
func durationStats(s *series, since time.Time) DurationStats {
	vals := s.recent(since, nil)
	if len(vals) == 0 {
		return DurationStats{}
	}
	return DurationStats{Count: len(vals), P50: nanos(percentile(vals, 0.5)), P95: nanos(percentile(vals, 0.95))}
}

// Status returns module's status (spec §1.5) as of the latest time the engine
// has been given (by Decide, Explain, Observe or ObserveProbe): "" for a
// module never observed and outside smart mode.
func (e *Engine) Status(module string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	m := e.modules[module]
	if m == nil || e.cfg.Mode != ModeSmart {
		return StatusNone
	}
	e.refresh(m, e.now, true)
	return m.status
}
