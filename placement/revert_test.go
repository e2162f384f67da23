package placement

import (
	"testing"
	"time"
)

// simulate runs n requests of api entering at b, 10ms apart from start,
// each run where Decide says: a placed one takes placed and makes five
// round trips of 1ms from a; a baseline or local one takes baseline and
// makes five of 40ms from b. It returns the decisions.
func simulate(e *Engine, start time.Duration, n int, placed, baseline time.Duration) []Decision {
	var out []Decision
	for k := range n {
		now := at(start + time.Duration(k)*10*ms)
		d := e.Decide(api, now)
		inv := Invocation{Module: api, Ingress: "b", Ran: "b", Baseline: d.Baseline, Duration: baseline,
			Backends: []Backend{{Origin: db, Sequential: 5, Total: 200 * ms}}, At: now}
		if d.Region != "" {
			inv = Invocation{Module: api, Ingress: "b", Ran: d.Region, Placed: true, Duration: placed,
				Backends: []Backend{{Origin: db, Sequential: 5, Total: 5 * ms}}, At: now}
		}
		e.Observe(inv)
		out = append(out, d)
	}
	return out
}

// TestRevert: placed requests measured slower than the baseline by more
// than the tolerance revert the module for good; within the tolerance, or
// faster, it stays placed.
func TestRevert(t *testing.T) {
	const baseline = 200 * ms
	tests := []struct {
		name   string
		placed time.Duration
		want   string
	}{
		{"placed 30% slower", 260 * ms, StatusUnsupportedApplication},
		{"placed 5% slower", 210 * ms, StatusSuccess},
		{"placed faster", 50 * ms, StatusSuccess},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := smart(t, "b", Config{Seed: 11})
			replay(e, threeRegions(0))
			ds := simulate(e, 0, 300, tt.placed, baseline)
			if s := e.Status(api); s != tt.want {
				t.Fatalf("Status = %q, want %q", s, tt.want)
			}
			last := ds[len(ds)-1]
			if tt.want == StatusSuccess {
				if last.Region != "a" && !last.Baseline {
					t.Errorf("last decision = %+v, want a", last)
				}
				return
			}
			reverted := -1
			for k, d := range ds {
				if d.Reason == ReasonReverted {
					reverted = k
					break
				}
			}
			if reverted < 0 {
				t.Fatalf("never reverted: last %+v", last)
			}
			for _, d := range ds[reverted:] {
				if d != (Decision{Reason: ReasonReverted}) {
					t.Fatalf("after the revert: %+v", d)
				}
			}
			// Sticky: placed durations that would now pass, and the
			// window going by, change nothing.
			for k := range 20 {
				e.Observe(Invocation{Module: api, Ingress: "b", Ran: "a", Placed: true, Duration: 10 * ms, At: at(time.Minute + time.Duration(k)*ms)})
				e.Observe(Invocation{Module: api, Ingress: "b", Ran: "b", Baseline: true, Duration: baseline, At: at(time.Minute + time.Duration(k)*ms)})
			}
			for _, later := range []time.Duration{time.Minute + time.Second, time.Hour} {
				if d := e.Decide(api, at(later)); d != (Decision{Reason: ReasonReverted}) {
					t.Errorf("at %v: %+v", later, d)
				}
				if s := e.Status(api); s != StatusUnsupportedApplication {
					t.Errorf("at %v: Status = %q", later, s)
				}
			}
			rev := e.Explain(at(time.Hour)).Modules[0].Revert
			if rev == nil || rev.Ingress != "b" || rev.Placed != Duration(tt.placed) || rev.Baseline != Duration(baseline) {
				t.Errorf("Explain revert = %+v", rev)
			}
		})
	}
}

// TestRevertPerIngress: durations observed at another ingress are judged
// on their own: placed requests from c slower than c's baseline revert the
// module, although b's are fine.
func TestRevertPerIngress(t *testing.T) {
	e := smart(t, "b", Config{Seed: 2})
	replay(e, threeRegions(0))
	for k := range 10 {
		now := at(time.Duration(k) * ms)
		e.Observe(Invocation{Module: api, Ingress: "b", Ran: "a", Placed: true, Duration: 50 * ms, At: now})
		e.Observe(Invocation{Module: api, Ingress: "b", Ran: "b", Baseline: true, Duration: 200 * ms, At: now})
		e.Observe(Invocation{Module: api, Ingress: "c", Ran: "a", Placed: true, Duration: 500 * ms, At: now})
		e.Observe(Invocation{Module: api, Ingress: "c", Ran: "c", Baseline: true, Duration: 400 * ms, At: now})
		// Placed and Baseline together count as neither.
		e.Observe(Invocation{Module: api, Ingress: "b", Ran: "a", Placed: true, Baseline: true, Duration: time.Second, At: now})
	}
	if s := e.Status(api); s != StatusUnsupportedApplication {
		t.Fatalf("Status = %q", s)
	}
	// Status judged as of the latest time given, that of the last invocation.
	rev := e.Explain(at(time.Second)).Modules[0].Revert
	want := RevertReport{Ingress: "c", At: at(9 * ms), Placed: Duration(500 * ms), Baseline: Duration(400 * ms)}
	if rev == nil || *rev != want {
		t.Errorf("revert = %+v, want %+v", rev, want)
	}
}

// baselineRun simulates, with seed, enough requests for the raised share
// to end and then 10,000 more; it returns the baseline flags of those
// 10,000 and the index of the fifth baseline request.
func baselineRun(t *testing.T, seed uint64) (flags []bool, fifth int) {
	e := smart(t, "b", Config{Seed: seed})
	replay(e, threeRegions(0))
	ds := simulate(e, 0, 2000, 48*ms, 202*ms)
	n := 0
	fifth = -1
	for k, d := range ds {
		if d.Baseline {
			if n++; n == DefaultRevertMinSamples {
				fifth = k
			}
		}
	}
	if fifth < 0 || fifth > 1000 {
		t.Fatalf("seed %d: fifth baseline request at %d", seed, fifth)
	}
	for _, d := range simulate(e, 20*time.Second, 10000, 48*ms, 202*ms) {
		if !d.Baseline && d.Region != "a" {
			t.Fatalf("seed %d: %+v", seed, d)
		}
		flags = append(flags, d.Baseline)
	}
	return flags, fifth
}

// TestBaselineShare: once the raised share has gathered RevertMinSamples
// baseline samples, about 1% of placed requests are the baseline, and the
// same seed draws the same requests.
func TestBaselineShare(t *testing.T) {
	flags, fifth := baselineRun(t, 42)
	n := 0
	for _, b := range flags {
		if b {
			n++
		}
	}
	// 1% of 10,000 is 100, with a standard deviation of about 10.
	if n < 60 || n > 140 {
		t.Errorf("%d baseline requests of 10000, want about 100", n)
	}
	// The raised share (10%) finds five within tens of requests, after the
	// ten that make MinInvocations.
	if fifth > 200 {
		t.Errorf("fifth baseline request at %d, want it within 200", fifth)
	}

	again, _ := baselineRun(t, 42)
	if !equalBools(flags, again) {
		t.Error("the same seed drew different baseline requests")
	}
	other, _ := baselineRun(t, 43)
	if equalBools(flags, other) {
		t.Error("another seed drew the same baseline requests")
	}
}

// TestBaselineDisabled: a negative Baseline keeps no request local.
func TestBaselineDisabled(t *testing.T) {
	e := smart(t, "b", Config{Seed: 1, Baseline: -1})
	replay(e, threeRegions(0))
	// The first 11 decisions (110ms) come before a refresh sees 10 invocations.
	for _, d := range simulate(e, 0, 1000, 48*ms, 202*ms)[11:] {
		if d.Region != "a" {
			t.Fatalf("%+v", d)
		}
	}
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
