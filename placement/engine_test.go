package placement

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestStatusLifecycle follows a module's status from absent to
// UNSUPPORTED_APPLICATION.
func TestStatusLifecycle(t *testing.T) {
	e := smart(t, "b", Config{Seed: 1})
	replay(e, threeRegions(0))
	if s := e.Status(api); s != StatusNone {
		t.Errorf("before any invocation: %q", s)
	}
	simulate(e, 0, 1, 48*ms, 202*ms)
	if s := e.Status(api); s != StatusInsufficientInvocations {
		t.Errorf("after one: %q", s)
	}
	simulate(e, 10*ms, 20, 48*ms, 202*ms)
	if s := e.Status(api); s != StatusSuccess {
		t.Errorf("after 21: %q", s)
	}
	// The window passes without traffic: not enough invocations again.
	if d := e.Decide(api, at(time.Hour)); d != (Decision{Reason: ReasonInsufficient}) || e.Status(api) != StatusInsufficientInvocations {
		t.Errorf("an hour later: %+v, %q", d, e.Status(api))
	}
	replay(e, threeRegions(time.Hour))
	simulate(e, time.Hour, 400, 300*ms, 202*ms)
	if s := e.Status(api); s != StatusUnsupportedApplication {
		t.Errorf("placed slower: %q", s)
	}
}

// TestSetRegions: a region that leaves the cluster is no longer chosen; one
// that joins is.
func TestSetRegions(t *testing.T) {
	e := smart(t, "b", Config{Seed: 1, Baseline: -1})
	replay(e, append(threeRegions(0), local10("b", 5, 40*ms)...))
	steps := []struct {
		regions []string
		want    string
	}{
		{[]string{"a", "b", "c"}, "a"},
		{[]string{"c"}, ""}, // b is kept; est(b,c) = 521ms > est(b,b) = 202ms
		{[]string{"c", "a", "a", ""}, "a"},
	}
	for k, s := range steps {
		e.SetRegions(s.regions)
		if d := e.Decide(api, at(time.Second+time.Duration(k)*ms)); d.Region != s.want {
			t.Errorf("regions %q: %+v, want %q", s.regions, d, s.want)
		}
	}
	if got := e.Explain(at(2 * time.Second)).Regions; fmt.Sprint(got) != "[a b c]" {
		t.Errorf("regions = %q", got)
	}
}

// TestConcurrentUse hammers one engine from several goroutines; run with
// -race. Every decision is one a request could act on.
func TestConcurrentUse(t *testing.T) {
	e := smart(t, "b", Config{Seed: 1, Refresh: -1})
	replay(e, threeRegions(0))
	const workers, iterations = 8, 300
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			module := fmt.Sprintf("functions/m%d.wasm", w%3)
			for k := range iterations {
				now := at(time.Duration(k) * ms)
				d := e.Decide(module, now)
				if d.Reason == "" || (d.Region != "" && d.Region != "a") {
					t.Errorf("Decide = %+v", d)
					return
				}
				e.Observe(Invocation{Module: module, Ingress: "b", Ran: "b", Duration: 202 * ms, Baseline: d.Baseline,
					Backends: []Backend{{Origin: db, Sequential: 5, Total: 200 * ms}}, At: now})
				e.ObserveProbe(Probe{From: "b", To: db, RTT: 40 * ms, Reachable: true, At: now})
				switch k % 100 {
				case 0:
					e.Explain(now)
				case 50:
					e.SetRegions([]string{"a", "b", "c"})
					e.Status(module)
				}
			}
		})
	}
	wg.Wait()
	for m := range 3 {
		if d := e.Decide(fmt.Sprintf("functions/m%d.wasm", m), at(time.Second)); d.Region != "a" && !d.Baseline {
			t.Errorf("m%d: %+v", m, d)
		}
	}
}
