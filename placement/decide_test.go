package placement

import (
	"slices"
	"testing"
	"time"
)

// local10 returns 10 invocations of api entering and run at self, each
// with n round trips of rtt to db and 2ms of compute, 100ms apart.
func local10(self string, n int, rtt time.Duration) []event {
	var evs []event
	for k := range 10 {
		evs = append(evs, invoke(time.Duration(k)*100*ms, api, self, self, n, rtt, 2*ms))
	}
	return evs
}

// TestDecideThreeRegions: with the back end in a, a module with five
// sequential round trips moves to a from b and c and stays in a; with zero
// or one it stays local everywhere.
func TestDecideThreeRegions(t *testing.T) {
	dbRTT := map[string]time.Duration{"a": 1 * ms, "b": 40 * ms, "c": 80 * ms}
	tests := []struct {
		ingress string
		n       int
		want    Decision
	}{
		// est(b,b) = 5×40 + 2 = 202ms; est(b,a) = 40+1 + 5×1 + 2 = 48ms.
		{"b", 5, Decision{Region: "a", Reason: "faster in a by 154ms"}},
		// est(c,c) = 5×80 + 2 = 402ms; est(c,a) = 80+1 + 5×1 + 2 = 88ms.
		{"c", 5, Decision{Region: "a", Reason: "faster in a by 314ms"}},
		{"a", 5, Decision{Reason: ReasonLocalFastest}},
		// One round trip: est(b,b) = 42ms < est(b,a) = 41 + 1 + 2 = 44ms.
		{"b", 1, Decision{Reason: ReasonLocalFastest}},
		{"c", 1, Decision{Reason: ReasonLocalFastest}},
		{"a", 1, Decision{Reason: ReasonLocalFastest}},
		{"b", 0, Decision{Reason: ReasonFewRoundTrips}},
		{"c", 0, Decision{Reason: ReasonFewRoundTrips}},
		{"a", 0, Decision{Reason: ReasonFewRoundTrips}},
	}
	for _, tt := range tests {
		t.Run(tt.ingress+"/"+string(rune('0'+tt.n))+" round trips", func(t *testing.T) {
			e := smart(t, tt.ingress, Config{Seed: 1, Baseline: -1})
			evs := append(threeRegions(0), local10(tt.ingress, tt.n, dbRTT[tt.ingress])...)
			got := replay(e, append(evs, decide(time.Second, api)))[0]
			if got != tt.want {
				t.Errorf("Decide = %+v, want %+v", got, tt.want)
			}
			if s := e.Status(api); s != StatusSuccess {
				t.Errorf("Status = %q, want SUCCESS", s)
			}
		})
	}
}

// TestDecideSettles feeds 20 invocations 100ms apart, each run where the
// previous decision said, and then more: the decision is "a" from the
// MinInvocations-th invocation on and never changes again (baseline
// requests aside).
func TestDecideSettles(t *testing.T) {
	e := smart(t, "b", Config{Seed: 7})
	replay(e, threeRegions(0))
	var got []string
	for k := range 200 {
		now := time.Duration(k) * 100 * ms
		d := e.Decide(api, at(now))
		switch {
		case d.Baseline:
			e.Observe(Invocation{Module: api, Ingress: "b", Ran: "b", Baseline: true, Duration: 202 * ms,
				Backends: []Backend{{Origin: db, Sequential: 5, Total: 200 * ms}}, At: at(now)})
			continue
		case d.Region == "a":
			e.Observe(Invocation{Module: api, Ingress: "b", Ran: "a", Placed: true, Duration: 48 * ms,
				Backends: []Backend{{Origin: db, Sequential: 5, Total: 5 * ms}}, At: at(now)})
		default:
			e.Observe(Invocation{Module: api, Ingress: "b", Ran: "b", Duration: 202 * ms,
				Backends: []Backend{{Origin: db, Sequential: 5, Total: 200 * ms}}, At: at(now)})
		}
		got = append(got, d.Region)
	}
	// The first decision has seen no invocation; the tenth has seen nine.
	for k, r := range got {
		want := "a"
		if k < 10 {
			want = ""
		}
		if r != want {
			t.Fatalf("non-baseline decision %d = %q, want %q (all: %q)", k, r, want, got)
		}
	}
	if s := e.Status(api); s != StatusSuccess {
		t.Errorf("Status = %q, want SUCCESS", s)
	}
}

// TestHysteresis varies b's probes of db so that the estimates oscillate
// around the margin or around each other: the decision changes at most once
// per real change. Ingress b, a 8ms away (hop 9ms), db 1ms from a, five
// round trips, no compute: est(b,a) = 14ms, est(b,b) = 5x. Passive timings
// are never enough here, so probes drive the estimates.
func TestHysteresis(t *testing.T) {
	tests := []struct {
		name string
		xs   []time.Duration // b's round trip to db at each step
		want []string
	}{
		{
			// 3.9ms: local 19.5 beats a by 5.5 > 5: placed. 3.7ms: local
			// 18.5, a better by only 4.5, but local does not beat a (by
			// max(5, 0.2×14)): stays.
			name: "around the margin",
			xs:   []time.Duration{3700, 3900, 3700, 3900, 3700, 3900, 3700},
			want: []string{"", "a", "a", "a", "a", "a", "a"},
		},
		{
			// Local 13.5 or 14.5 against a's 14: never by the margin.
			name: "around equality",
			xs:   []time.Duration{2700, 2900, 2700, 2900, 2700},
			want: []string{"", "", "", "", ""},
		},
		{
			// Placed at 6ms; local 10 or 15 does not beat 14 by 5; at
			// 1ms local 5 does, and 3.7ms does not place it again.
			name: "back to local only by the margin",
			xs:   []time.Duration{6000, 2000, 3000, 2000, 1000, 3700, 1000},
			want: []string{"a", "a", "a", "a", "", "", ""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New(Config{Mode: ModeSmart, PassiveMinSamples: 1000, Seed: 3, Baseline: -1}, "b", []string{"a", "b"})
			evs := []event{probe(0, "a", "region:b", 8*ms), probe(0, "a", db, 1*ms)}
			for k := range 10 {
				evs = append(evs, invoke(time.Duration(k)*ms, api, "b", "b", 5, 3*ms, 0))
			}
			for step, x := range tt.xs {
				now := time.Duration(step+1) * time.Second
				for range probeCapacity {
					evs = append(evs, probe(now, "b", db, x*time.Microsecond))
				}
				evs = append(evs, decide(now, api))
			}
			got := regions(replay(e, evs))
			if !slices.Equal(got, tt.want) {
				t.Errorf("regions = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestHysteresisReasons checks the reasons given while the margin holds a
// decision back.
func TestHysteresisReasons(t *testing.T) {
	e := New(Config{Mode: ModeSmart, PassiveMinSamples: 1000, Seed: 3, Baseline: -1}, "b", []string{"a", "b"})
	evs := []event{probe(0, "a", "region:b", 8*ms), probe(0, "a", db, 1*ms), probe(0, "b", db, 2900*time.Microsecond)}
	for k := range 10 {
		evs = append(evs, invoke(time.Duration(k)*ms, api, "b", "b", 5, 3*ms, 0))
	}
	evs = append(evs, decide(time.Second, api))
	for range probeCapacity {
		evs = append(evs, probe(2*time.Second, "b", db, 6*ms))
	}
	evs = append(evs, decide(2*time.Second, api))
	for range probeCapacity {
		evs = append(evs, probe(3*time.Second, "b", db, 2*ms))
	}
	evs = append(evs, decide(3*time.Second, api))
	got := replay(e, evs)
	want := []Decision{
		{Reason: "a is 500µs faster, within margin"},
		{Region: "a", Reason: "faster in a by 16ms"},
		{Region: "a", Reason: "kept in a: local is 4ms faster"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("decisions = %+v, want %+v", got, want)
	}
}

// TestUnreachableBackend: a back end that only some regions reach pulls the
// module there whatever the round trips; one that the ingress alone reaches
// keeps it there; one that nothing reaches leaves it at the ingress.
func TestUnreachableBackend(t *testing.T) {
	far := regionProbes(0, map[[2]string]time.Duration{{"a", "b"}: 500 * ms, {"a", "c"}: 80 * ms, {"b", "c"}: 120 * ms})
	onlyA := append(slices.Clone(far), probe(0, "a", db, 1*ms), unreachable(0, "b", db), unreachable(0, "c", db))
	nowhere := append(slices.Clone(far), unreachable(0, "a", db), unreachable(0, "b", db), unreachable(0, "c", db))
	// Invocations reported by a node of region z, outside the candidates:
	// their timings say nothing of a, b or c.
	var fromZ []event
	for k := range 10 {
		fromZ = append(fromZ, invoke(time.Duration(k)*ms, api, "z", "z", 5, 10*ms, 0))
	}
	tests := []struct {
		name   string
		self   string
		events []event
		want   Decision
	}{
		{"only a reaches it, from b", "b", onlyA, Decision{Region: "a", Reason: db + " unreachable from b"}},
		{"only a reaches it, from c", "c", onlyA, Decision{Region: "a", Reason: db + " unreachable from c"}},
		{"only the ingress reaches it", "a", onlyA, Decision{Reason: ReasonLocalFastest}},
		{"no region reaches it", "b", nowhere, Decision{Reason: "no region reaches " + db}},
		{
			"the module reaches it from the ingress, whatever the probes say", "b",
			append(slices.Clone(nowhere), local10("b", 5, 40*ms)...),
			Decision{Reason: ReasonLocalFastest},
		},
		{
			"the region that reaches it is unreachable", "b",
			append(regionProbes(0, map[[2]string]time.Duration{{"b", "c"}: 120 * ms}),
				unreachable(0, "b", "region:a"), probe(0, "a", db, 1*ms), unreachable(0, "b", db), unreachable(0, "c", db)),
			Decision{Reason: "no region reaches " + db},
		},
		{
			"no probe from the ingress", "b",
			append(slices.Clone(far), probe(0, "a", db, 1*ms), probe(0, "c", db, 80*ms)),
			Decision{Reason: "no estimate for b: no probe from b to " + db},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := smart(t, tt.self, Config{Seed: 1, Baseline: -1})
			evs := append(slices.Clone(tt.events), fromZ...)
			got := replay(e, append(evs, decide(time.Second, api)))[0]
			if got != tt.want {
				t.Errorf("Decide = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestOtherIngresses: invocations observed at other nodes count towards
// the module's figures, so an ingress that has seen none decides at once.
func TestOtherIngresses(t *testing.T) {
	e := smart(t, "b", Config{Seed: 1, Baseline: -1})
	evs := append(threeRegions(0), local10("c", 5, 80*ms)...)
	got := replay(e, append(evs, decide(time.Second, api)))[0]
	// est(b,b) = 5×40 + 2 = 202ms, est(b,a) = 41 + 5 + 2 = 48ms.
	if want := (Decision{Region: "a", Reason: "faster in a by 154ms"}); got != want {
		t.Errorf("Decide = %+v, want %+v", got, want)
	}
}

// TestHint: before MinInvocations, smart mode runs at the hint if it is a
// candidate region, else locally.
func TestHint(t *testing.T) {
	tests := []struct {
		name, hint, self string
		calls            int
		want             Decision
	}{
		{"before any invocation", "a", "b", 0, Decision{Region: "a", Reason: ReasonHint}},
		{"before enough invocations", "a", "b", 9, Decision{Region: "a", Reason: ReasonHint}},
		{"the hint is the ingress", "b", "b", 5, Decision{Reason: ReasonHint}},
		{"an unknown hint", "mars", "b", 5, Decision{Reason: ReasonInsufficient}},
		{"no hint", "", "b", 5, Decision{Reason: ReasonInsufficient}},
		{"enough invocations", "a", "b", 10, Decision{Reason: ReasonFewRoundTrips}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := smart(t, tt.self, Config{Hint: tt.hint, Seed: 1})
			var evs []event
			for k := range tt.calls {
				evs = append(evs, invoke(time.Duration(k)*ms, api, tt.self, tt.self, 0, 0, ms))
			}
			got := replay(e, append(evs, decide(time.Second, api)))[0]
			if got != tt.want {
				t.Errorf("Decide = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestOff: placement off runs everything locally and reports no status.
func TestOff(t *testing.T) {
	for _, mode := range []string{ModeOff, "", "fast", ModeTargeted} {
		t.Run(mode, func(t *testing.T) {
			e := New(Config{Mode: mode}, "b", []string{"a", "b", "c"})
			evs := append(threeRegions(0), local10("b", 5, 40*ms)...)
			got := replay(e, append(evs, decide(time.Second, api)))[0]
			if want := (Decision{Reason: ReasonOff}); got != want {
				t.Errorf("Decide = %+v, want %+v", got, want)
			}
			if s := e.Status(api); s != StatusNone {
				t.Errorf("Status = %q, want none", s)
			}
		})
	}
}

// TestBackendMoves: when the back end moves, the decisions follow, both
// when new probes and timings outvote the old ones within the window and
// when the old ones age out of it.
func TestBackendMoves(t *testing.T) {
	// After the move, db is 1ms from c, 80ms from a and 120ms from b.
	moved := func(d time.Duration) []event {
		evs := regionProbes(d, map[[2]string]time.Duration{{"a", "b"}: 40 * ms, {"a", "c"}: 80 * ms, {"b", "c"}: 120 * ms})
		for range probeCapacity {
			evs = append(evs, probe(d, "a", db, 80*ms), probe(d, "b", db, 120*ms), probe(d, "c", db, 1*ms))
		}
		return evs
	}
	tests := []struct {
		name  string
		after time.Duration // when the back end moves
	}{
		{"within the window", 30 * time.Second},
		{"after the window", 11 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := smart(t, "b", Config{Seed: 5, Baseline: -1})
			replay(e, threeRegions(0))
			// run calls api at now, where the decision says, against db at
			// its round trips from a, b and c, and returns the decision.
			run := func(now time.Duration, rtt map[string]time.Duration) Decision {
				d := e.Decide(api, at(now))
				ran := "b"
				if d.Region != "" {
					ran = d.Region
				}
				replay(e, []event{invoke(now, api, "b", ran, 5, rtt[ran], 2*ms)})
				return d
			}
			before := map[string]time.Duration{"a": 1 * ms, "b": 40 * ms, "c": 80 * ms}
			for k := range 30 {
				run(time.Duration(k)*100*ms, before)
			}
			if d := e.Decide(api, at(3*time.Second)); d.Region != "a" {
				t.Fatalf("before the move: %+v, want a", d)
			}
			replay(e, moved(tt.after))
			after := map[string]time.Duration{"a": 80 * ms, "b": 120 * ms, "c": 1 * ms}
			var got []string
			for k := range 60 {
				got = append(got, run(tt.after+time.Duration(k)*100*ms, after).Region)
			}
			t.Logf("after the move: %q", got)
			if last := got[len(got)-1]; last != "c" {
				t.Fatalf("after the move: %q, want c at the end", got)
			}
			// Once in c, it stays.
			first := slices.Index(got, "c")
			for _, r := range got[first:] {
				if r != "c" {
					t.Fatalf("after the move: %q, want c from %d on", got, first)
				}
			}
		})
	}
}

// TestDecideAllocatesNothing: a decision allocates nothing, even when it
// refreshes the module's figures at every call.
func TestDecideAllocatesNothing(t *testing.T) {
	for _, refresh := range []time.Duration{-1, DefaultRefresh} {
		e := smart(t, "b", Config{Seed: 1, Refresh: refresh})
		evs := append(threeRegions(0), local10("b", 5, 40*ms)...)
		replay(e, append(evs, decide(time.Second, api)))
		now := at(time.Second)
		allocs := testing.AllocsPerRun(1000, func() {
			now = now.Add(ms)
			if d := e.Decide(api, now); d.Region != "a" && !d.Baseline {
				t.Fatalf("Decide = %+v", d)
			}
		})
		if allocs != 0 {
			t.Errorf("Refresh %v: %v allocations per Decide, want 0", refresh, allocs)
		}
	}
}

// BenchmarkDecide measures a steady-state decision: a placed module, its
// figures refreshed every 100ms of the advancing time.
func BenchmarkDecide(b *testing.B) {
	e := smart(b, "b", Config{Seed: 1})
	evs := append(threeRegions(0), local10("b", 5, 40*ms)...)
	replay(e, append(evs, decide(time.Second, api)))
	now := at(time.Second)
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(10 * time.Microsecond)
		e.Decide(api, now)
	}
}
