package placement

import (
	"slices"
	"testing"
	"time"
)

// TestTargeted: a targeted region always; a targeted host or hostname in
// the candidate with the lowest probe round trip to it.
func TestTargeted(t *testing.T) {
	const host = "db.internal:5432"
	hostProbes := []event{probe(0, "a", host, 30*ms), probe(0, "b", host, 2*ms), probe(0, "c", host, 50*ms)}
	tests := []struct {
		name   string
		cfg    Config
		self   string
		events []event
		want   Decision
	}{
		{"region elsewhere", Config{Region: "a"}, "b", nil, Decision{Region: "a", Reason: ReasonTargetedRegion}},
		{"region here", Config{Region: "a"}, "a", nil, Decision{Reason: ReasonTargetedRegion}},
		{"region outside the cluster", Config{Region: "mars"}, "a", nil, Decision{Region: "mars", Reason: ReasonTargetedRegion}},
		{"host elsewhere", Config{Host: host}, "a", hostProbes, Decision{Region: "b", Reason: ReasonTargetedHost}},
		{"host here", Config{Host: host}, "b", hostProbes, Decision{Reason: ReasonTargetedHost}},
		{"host in another case", Config{Host: "DB.Internal:5432"}, "a", hostProbes, Decision{Region: "b", Reason: ReasonTargetedHost}},
		{
			"host probed by a region outside the candidates", Config{Host: host}, "c",
			[]event{probe(0, "z", host, 1*ms), probe(0, "a", host, 30*ms), probe(0, "c", host, 50*ms)},
			Decision{Region: "a", Reason: ReasonTargetedHost},
		},
		{
			"an unreachable probe", Config{Host: host}, "c",
			[]event{unreachable(0, "b", host), probe(0, "a", host, 30*ms), probe(0, "c", host, 50*ms)},
			Decision{Region: "a", Reason: ReasonTargetedHost},
		},
		{
			"hostname over https", Config{Hostname: "api.internal"}, "a",
			[]event{probe(0, "a", "https://api.internal", 20*ms), probe(0, "c", "https://api.internal", 3*ms)},
			Decision{Region: "c", Reason: ReasonTargetedHostname},
		},
		{
			"hostname over http with its port", Config{Hostname: "api.internal"}, "a",
			[]event{probe(0, "a", "https://api.internal:443", 20*ms), probe(0, "b", "http://api.internal:80", 3*ms)},
			Decision{Region: "b", Reason: ReasonTargetedHostname},
		},
		{
			"a hostname is not a host", Config{Hostname: "api.internal"}, "a",
			[]event{probe(0, "b", "api.internal:443", 3*ms)},
			Decision{Reason: "no probe of api.internal yet"},
		},
		{"host not probed yet", Config{Host: host}, "a", nil, Decision{Reason: "no probe of " + host + " yet"}},
		{
			"host reached by no region", Config{Host: host}, "a",
			[]event{unreachable(0, "a", host), unreachable(0, "b", host)},
			Decision{Reason: "no region reaches " + host},
		},
		{
			"host probes aged out", Config{Host: host}, "a",
			[]event{probe(-10*time.Minute, "a", host, 30*ms), probe(-10*time.Minute, "b", host, 2*ms)},
			Decision{Reason: "no probe of " + host + " yet"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Mode = ModeTargeted
			e := New(tt.cfg, tt.self, []string{"a", "b", "c"})
			ds := replay(e, append(slices.Clone(tt.events), decide(time.Second, api)))
			if got := ds[len(ds)-1]; got != tt.want {
				t.Errorf("Decide = %+v, want %+v", got, tt.want)
			}
			if s := e.Status(api); s != StatusNone {
				t.Errorf("Status = %q, want none", s)
			}
		})
	}
}

// TestTargetedHostMoves: the targeted region follows the probes, with the
// smart-mode margin against flapping between near-equal regions.
func TestTargetedHostMoves(t *testing.T) {
	const host = "db.internal:5432"
	e := New(Config{Mode: ModeTargeted, Host: host, Baseline: -1}, "a", []string{"a", "b", "c"})
	var evs []event
	// step sets the probes of b and c for the next decision, a second later.
	step := func(k int, b, c time.Duration) {
		now := time.Duration(k) * time.Second
		for range probeCapacity {
			evs = append(evs, probe(now, "a", host, 100*ms), probe(now, "b", host, b), probe(now, "c", host, c))
		}
		evs = append(evs, decide(now, api))
	}
	step(1, 10*ms, 20*ms) // b
	step(2, 12*ms, 9*ms)  // c is lower by 3ms, less than the 5ms margin: b
	step(3, 10*ms, 9*ms)  // b
	step(4, 30*ms, 9*ms)  // c beats b by 21ms: c
	step(5, 9*ms, 10*ms)  // c
	got := regions(replay(e, evs))
	if want := []string{"b", "b", "b", "c", "c"}; !slices.Equal(got, want) {
		t.Errorf("regions = %q, want %q", got, want)
	}
}
