package placement

import (
	"testing"
	"time"
)

// t0 is the start of every scenario; times are offsets from it.
var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// at returns t0 + d.
func at(d time.Duration) time.Time {
	return t0.Add(d)
}

const (
	db  = "https://db.internal:443"
	api = "functions/api.wasm"
	ms  = time.Millisecond
)

// event is one call on an engine, at an offset from t0: a probe, an
// invocation, or a decision for a module.
type event struct {
	at     time.Duration
	probe  *Probe
	inv    *Invocation
	decide string
}

// replay applies events in order and returns the decisions made.
func replay(e *Engine, events []event) []Decision {
	var out []Decision
	for _, ev := range events {
		switch {
		case ev.probe != nil:
			p := *ev.probe
			p.At = at(ev.at)
			e.ObserveProbe(p)
		case ev.inv != nil:
			inv := *ev.inv
			inv.At = at(ev.at)
			e.Observe(inv)
		default:
			out = append(out, e.Decide(ev.decide, at(ev.at)))
		}
	}
	return out
}

// probe is a reachable probe event.
func probe(d time.Duration, from, to string, rtt time.Duration) event {
	return event{at: d, probe: &Probe{From: from, To: to, RTT: rtt, Reachable: true}}
}

// unreachable is an unreachable probe event.
func unreachable(d time.Duration, from, to string) event {
	return event{at: d, probe: &Probe{From: from, To: to}}
}

// decide is a decision event.
func decide(d time.Duration, module string) event {
	return event{at: d, decide: module}
}

// invoke is an invocation event of module entering at ingress and run at ran,
// with n sequential round trips of rtt each to db and extra of compute.
func invoke(d time.Duration, module, ingress, ran string, n int, rtt, extra time.Duration) event {
	inv := Invocation{Module: module, Ingress: ingress, Ran: ran, Duration: time.Duration(n)*rtt + extra}
	if n > 0 {
		inv.Backends = []Backend{{Origin: db, Sequential: n, Total: time.Duration(n) * rtt}}
	}
	return event{at: d, inv: &inv}
}

// threeRegions returns, at d, the probes of the three-region scenario:
// round trips a-b 40ms, a-c 80ms, b-c 120ms (probed both ways), and db
// 1ms from a, 40ms from b and 80ms from c.
func threeRegions(d time.Duration) []event {
	return append(regionProbes(d, map[[2]string]time.Duration{
		{"a", "b"}: 40 * ms, {"a", "c"}: 80 * ms, {"b", "c"}: 120 * ms,
	}), probe(d, "a", db, 1*ms), probe(d, "b", db, 40*ms), probe(d, "c", db, 80*ms))
}

// regionProbes returns, at d, probes both ways between each pair of regions.
func regionProbes(d time.Duration, rtts map[[2]string]time.Duration) []event {
	var evs []event
	for _, pair := range [][2]string{{"a", "b"}, {"a", "c"}, {"b", "c"}} {
		if rtt, ok := rtts[pair]; ok {
			evs = append(evs, probe(d, pair[0], "region:"+pair[1], rtt), probe(d, pair[1], "region:"+pair[0], rtt))
		}
	}
	return evs
}

// smart returns a smart-mode engine in region self among a, b and c.
func smart(t testing.TB, self string, cfg Config) *Engine {
	t.Helper()
	cfg.Mode = ModeSmart
	return New(cfg, self, []string{"a", "b", "c"})
}

// regions returns the Region of each decision.
func regions(ds []Decision) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Region
	}
	return out
}
