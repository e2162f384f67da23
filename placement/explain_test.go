package placement

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

const (
	middleware = "_middleware.wasm"
	slow       = "functions/slow.wasm"
)

// explainScenario is engine b among a, b and c, with the three-region
// probes (one each) and three modules:
//   - api: 10 local invocations at b of five 45ms round trips to db and 5ms
//     besides (230ms); 3 placed in a (five 6ms round trips; 70, 76, 90ms);
//     2 baseline at b (230, 240ms).
//   - middleware: 6 invocations from a and 6 from b, no back end.
//   - slow: 5 placed in a at 273ms and 5 baseline at 210ms, from b.
func explainScenario(t *testing.T) *Engine {
	e := smart(t, "b", Config{Seed: 1})
	evs := threeRegions(0)
	for k := range 10 {
		evs = append(evs, invoke(time.Duration(k)*ms, api, "b", "b", 5, 45*ms, 5*ms))
	}
	for k, d := range []time.Duration{70 * ms, 76 * ms, 90 * ms} {
		evs = append(evs, event{at: time.Duration(10+k) * ms, inv: &Invocation{Module: api, Ingress: "b", Ran: "a", Placed: true,
			Duration: d, Backends: []Backend{{Origin: db, Sequential: 5, Total: 30 * ms}}}})
	}
	for k, d := range []time.Duration{230 * ms, 240 * ms} {
		evs = append(evs, event{at: time.Duration(20+k) * ms, inv: &Invocation{Module: api, Ingress: "b", Ran: "b", Baseline: true,
			Duration: d, Backends: []Backend{{Origin: db, Sequential: 5, Total: 225 * ms}}}})
	}
	for k := range 6 {
		evs = append(evs, invoke(time.Duration(k)*ms, middleware, "a", "a", 0, 0, 2*ms), invoke(time.Duration(k)*ms, middleware, "b", "b", 0, 0, 2*ms))
	}
	for k := range 5 {
		evs = append(evs,
			event{at: time.Duration(k) * ms, inv: &Invocation{Module: slow, Ingress: "b", Ran: "a", Placed: true,
				Duration: 273 * ms, Backends: []Backend{{Origin: db, Sequential: 5, Total: 5 * ms}}}},
			event{at: time.Duration(k) * ms, inv: &Invocation{Module: slow, Ingress: "b", Ran: "b", Baseline: true,
				Duration: 210 * ms, Backends: []Backend{{Origin: db, Sequential: 5, Total: 200 * ms}}}})
	}
	replay(e, evs)
	return e
}

// TestExplainEstimates checks api's report for ingress b against the
// estimates computed by hand:
//
//	compute = 5ms (median of 0, 5 ×12, 15, 19: each duration less its
//	  round trips and hop); n_db = 5
//	server time of db = 45 − 40 = 5ms (only b has ≥5 passive timings)
//	est(b,b) = 5×45 + 5           = 230ms (passive, 12 timings)
//	est(b,a) = 40+1 + 5×(1+5) + 5 =  76ms (probe)
//	est(b,c) = 120+1 + 5×(80+5) + 5 = 551ms (probe)
//	margin = max(5ms, 0.2×230ms) = 46ms; 230 − 76 = 154ms > 46ms: a.
func TestExplainEstimates(t *testing.T) {
	e := explainScenario(t)
	rep := e.Explain(at(time.Second))
	if len(rep.Modules) != 3 || rep.Modules[1].Module != api {
		t.Fatalf("modules: %+v", rep.Modules)
	}
	m := rep.Modules[1]
	wantModule := ModuleReport{
		Module: api, Status: StatusSuccess, Invocations: 15, RoundTrips: 5, Compute: Duration(5 * ms),
		Backends: []BackendReport{{Origin: db, RoundTrips: 5, ServerTime: Duration(5 * ms)}},
	}
	got := m
	got.Ingresses = nil
	if !reflect.DeepEqual(got, wantModule) {
		t.Errorf("module:\n got %+v\nwant %+v", got, wantModule)
	}
	dbBackend := func(rtt time.Duration, src string, samples int, server time.Duration) []CandidateBackend {
		return []CandidateBackend{{Origin: db, RoundTrips: 5, RTT: Duration(rtt), Source: src, Samples: samples, ServerTime: Duration(server)}}
	}
	want := IngressReport{
		Ingress:       "b",
		Invocations:   15,
		Decision:      Decision{Region: "a", Reason: "faster in a by 154ms"},
		Margin:        Duration(46 * ms),
		BaselineShare: 0.1,
		Placed:        DurationStats{Count: 3, P50: Duration(76 * ms), P95: Duration(90 * ms)},
		Baseline:      DurationStats{Count: 2, P50: Duration(230 * ms), P95: Duration(240 * ms)},
		Candidates: []Candidate{
			{Region: "a", Estimate: Duration(76 * ms), Hop: Duration(41 * ms), HopRTT: Duration(40 * ms), Compute: Duration(5 * ms),
				Backends: dbBackend(6*ms, SourceProbe, 1, 5*ms), Chosen: true},
			{Region: "b", Estimate: Duration(230 * ms), Compute: Duration(5 * ms),
				Backends: dbBackend(45*ms, SourcePassive, 12, 0)},
			{Region: "c", Estimate: Duration(551 * ms), Hop: Duration(121 * ms), HopRTT: Duration(120 * ms), Compute: Duration(5 * ms),
				Backends: dbBackend(85*ms, SourceProbe, 1, 5*ms)},
		},
	}
	if len(m.Ingresses) != 3 {
		t.Fatalf("ingresses: %+v", m.Ingresses)
	}
	if !reflect.DeepEqual(m.Ingresses[0], want) {
		t.Errorf("ingress b:\n got %+v\nwant %+v", m.Ingresses[0], want)
	}

	// The other ingresses, as this engine sees them: from a, est(a,a) =
	// 5×6 + 5 = 35ms is lowest; from c, est(c,c) = 5×85 + 5 = 430ms and
	// est(c,a) = 81 + 30 + 5 = 116ms.
	others := map[string]Decision{
		"a": {Reason: ReasonLocalFastest},
		"c": {Region: "a", Reason: "faster in a by 314ms"},
	}
	for _, ir := range m.Ingresses[1:] {
		if ir.Decision != others[ir.Ingress] || ir.Invocations != 0 {
			t.Errorf("ingress %s: %+v, %d invocations", ir.Ingress, ir.Decision, ir.Invocations)
		}
	}
}

// TestExplainReport checks the rest of the report: statuses, the project
// status, the revert, the other modules' decisions, and that every field of
// every struct in it is filled somewhere.
func TestExplainReport(t *testing.T) {
	e := explainScenario(t)
	now := at(time.Second)
	rep := e.Explain(now)
	if rep.Region != "b" || rep.Mode != ModeSmart || rep.Status != StatusUnsupportedApplication || !rep.At.Equal(now) ||
		!reflect.DeepEqual(rep.Regions, []string{"a", "b", "c"}) {
		t.Errorf("report: %+v", rep)
	}
	byName := map[string]ModuleReport{}
	for _, m := range rep.Modules {
		byName[m.Module] = m
	}
	mw := byName[middleware]
	if mw.Status != StatusSuccess || mw.Invocations != 12 || mw.RoundTrips != 0 || mw.Ingresses[0].Decision.Reason != ReasonFewRoundTrips ||
		mw.Ingresses[1].Ingress != "a" || mw.Ingresses[1].Invocations != 6 || mw.Compute != Duration(2*ms) {
		t.Errorf("middleware: %+v", mw)
	}
	sl := byName[slow]
	wantRevert := RevertReport{Ingress: "b", At: now, Placed: Duration(273 * ms), Baseline: Duration(210 * ms)}
	if sl.Status != StatusUnsupportedApplication || sl.Revert == nil || *sl.Revert != wantRevert ||
		sl.Ingresses[0].Decision != (Decision{Reason: ReasonReverted}) {
		t.Errorf("slow: %+v, revert %+v", sl, sl.Revert)
	}

	// Every field of every struct is set somewhere, except those that only
	// targeted mode fills.
	set := map[string]bool{}
	collectSet(reflect.ValueOf(rep), set)
	for _, f := range []string{"Report.Target", "Report.Hint", "Report.Targets", "Decision.Baseline", "Candidate.Missing", "Candidate.Unreachable", "CandidateBackend.Unreachable"} {
		delete(set, f)
	}
	for f, ok := range set {
		if !ok {
			t.Errorf("%s is never set", f)
		}
	}

	// The JSON form round-trips, with durations as strings.
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"estimate":"76ms"`, `"source":"passive"`, `"reason":"faster in a by 154ms"`, `"status":"UNSUPPORTED_APPLICATION"`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("JSON lacks %s: %s", s, b)
		}
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, rep) {
		t.Errorf("JSON round trip:\n got %+v\nwant %+v", back, rep)
	}
}

// TestExplainMissingAndUnreachable: a candidate without a measurement says
// which; one that cannot reach the back end says what.
func TestExplainMissingAndUnreachable(t *testing.T) {
	e := smart(t, "b", Config{Seed: 1})
	evs := append(regionProbes(0, map[[2]string]time.Duration{{"a", "b"}: 40 * ms}), probe(0, "a", db, 1*ms), unreachable(0, "b", db))
	for k := range 10 {
		evs = append(evs, invoke(time.Duration(k)*ms, api, "c", "a", 5, 1*ms, 0))
	}
	replay(e, evs)
	cands := e.Explain(at(time.Second)).Modules[0].Ingresses[0].Candidates
	if c := cands[1]; c.Region != "b" || c.Unreachable != db || c.Estimate != 0 || !c.Backends[0].Unreachable {
		t.Errorf("b: %+v", c)
	}
	if c := cands[2]; c.Region != "c" || c.Missing != "no probe between b and c" {
		t.Errorf("c: %+v", c)
	}
	if c := cands[0]; c.Region != "a" || c.Estimate != Duration(46*ms) || !c.Chosen || c.Backends[0].Source != SourcePassive {
		t.Errorf("a: %+v", c)
	}
}

// TestExplainTargeted reports each region's round trip to the target.
func TestExplainTargeted(t *testing.T) {
	const host = "db.internal:5432"
	e := New(Config{Mode: ModeTargeted, Host: host}, "a", []string{"a", "b", "c"})
	replay(e, []event{probe(0, "a", host, 30*ms), probe(0, "b", host, 2*ms), unreachable(0, "c", host), invoke(0, api, "a", "b", 0, 0, ms)})
	rep := e.Explain(at(time.Second))
	want := []TargetRTT{
		{Region: "a", RTT: Duration(30 * ms), Reachable: true, Probed: true},
		{Region: "b", RTT: Duration(2 * ms), Reachable: true, Probed: true, Chosen: true},
		{Region: "c", Probed: true},
	}
	if rep.Target != host || rep.Status != StatusNone || !reflect.DeepEqual(rep.Targets, want) {
		t.Errorf("report: %+v", rep)
	}
	ds := map[string]Decision{}
	for _, ir := range rep.Modules[0].Ingresses {
		ds[ir.Ingress] = ir.Decision
	}
	wantDs := map[string]Decision{
		"a": {Region: "b", Reason: ReasonTargetedHost},
		"b": {Reason: ReasonTargetedHost},
		"c": {Region: "b", Reason: ReasonTargetedHost},
	}
	if !reflect.DeepEqual(ds, wantDs) {
		t.Errorf("decisions = %+v, want %+v", ds, wantDs)
	}
}

// collectSet records in set, for each "Type.Field" of the structs
// reachable from v, whether it is set (not zero) in at least one of them.
func collectSet(v reflect.Value, set map[string]bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			collectSet(v.Elem(), set)
		}
	case reflect.Slice:
		for i := range v.Len() {
			collectSet(v.Index(i), set)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return
		}
		for i := range v.NumField() {
			f := v.Field(i)
			name := v.Type().Name() + "." + v.Type().Field(i).Name
			set[name] = set[name] || !(f.IsZero() || (f.Kind() == reflect.Slice && f.Len() == 0))
			collectSet(f, set)
		}
	}
}
