package placement

import (
	"fmt"
	"testing"
	"time"
)

// TestObserveOriginSpellings: spellings of one origin are one back end, in
// invocations and in probes; an origin probed only over TCP uses those.
func TestObserveOriginSpellings(t *testing.T) {
	e := smart(t, "b", Config{Seed: 1, Baseline: -1})
	evs := append(regionProbes(0, map[[2]string]time.Duration{{"a", "b"}: 40 * ms}),
		probe(0, "a", "https://DB.internal", 1*ms), probe(0, "b", "db.internal:443", 40*ms))
	for k := range 10 {
		evs = append(evs, event{at: time.Duration(k) * ms, inv: &Invocation{Module: api, Ingress: "c", Ran: "c", Backends: []Backend{
			{Origin: "https://DB.internal", Sequential: 2, Total: 2 * ms},
			{Origin: "https://db.internal:443/users", Sequential: 3, Total: 3 * ms},
		}}})
	}
	ds := replay(e, append(evs, decide(time.Second, api)))
	// est(b,b) = 5×40 = 200ms (TCP probe); est(b,a) = 41 + 5×1 = 46ms.
	if want := (Decision{Region: "a", Reason: "faster in a by 154ms"}); ds[0] != want {
		t.Errorf("Decide = %+v, want %+v", ds[0], want)
	}
	m := e.Explain(at(time.Second)).Modules[0]
	if len(m.Backends) != 1 || m.Backends[0].Origin != db || m.Backends[0].RoundTrips != 5 {
		t.Errorf("backends: %+v", m.Backends)
	}
}

// TestObserveTooManyOrigins: past 64 origins a module has no estimate
// anywhere, so it stays at the ingress rather than move on half the picture.
func TestObserveTooManyOrigins(t *testing.T) {
	e := smart(t, "b", Config{Seed: 1, Baseline: -1})
	evs := threeRegions(0)
	for k := range 10 {
		inv := &Invocation{Module: api, Ingress: "b", Ran: "b", Backends: []Backend{{Origin: db, Sequential: 5, Total: 200 * ms}}}
		for o := range maxOrigins {
			inv.Backends = append(inv.Backends, Backend{Origin: fmt.Sprintf("https://api%d.internal", o), Sequential: 1, Total: ms})
		}
		evs = append(evs, event{at: time.Duration(k) * ms, inv: inv})
	}
	ds := replay(e, append(evs, decide(time.Second, api)))
	if want := (Decision{Reason: "no estimate for b: no round trip to more than 64 origins"}); ds[0] != want {
		t.Errorf("Decide = %+v, want %+v", ds[0], want)
	}
}

// TestObserveDefaults: an invocation without an ingress entered here, one
// without Ran ran at its ingress, one without a module is ignored, and a
// negative duration counts as zero.
func TestObserveDefaults(t *testing.T) {
	e := smart(t, "b", Config{Seed: 1})
	for k := range 3 {
		e.Observe(Invocation{Module: api, Duration: -ms, Backends: []Backend{{Origin: db, Sequential: 1, Total: 4 * ms}}, At: at(time.Duration(k) * ms)})
		e.Observe(Invocation{Ingress: "b", Duration: ms, At: at(time.Duration(k) * ms)})
	}
	rep := e.Explain(at(time.Second))
	if len(rep.Modules) != 1 {
		t.Fatalf("modules: %+v", rep.Modules)
	}
	ir := rep.Modules[0].Ingresses[0]
	if ir.Ingress != "b" || ir.Invocations != 3 || rep.Modules[0].Compute != 0 {
		t.Errorf("ingress b: %+v", ir)
	}
	if c := ir.Candidates[1]; c.Region != "b" || c.Backends[0].Source != SourcePassive || c.Backends[0].RTT != Duration(4*ms) || c.Backends[0].Samples != 3 {
		t.Errorf("candidate b: %+v", c)
	}
}
