package metrics

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// scrape returns the registry's exposition, checked and parsed.
func scrape(t *testing.T, r *Registry) (string, samples) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := r.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String(), parseExposition(t, buf.String())
}

// TestConcurrentRecording hammers one fresh registry from 8 goroutines,
// with two of them racing to create each series, while another scrapes.
// Every observation is counted, in the right bucket, and scrapes stay valid
// and never go backwards.
func TestConcurrentRecording(t *testing.T) {
	const goroutines, calls = 8, 10000
	// Durations that are whole fractions of powers of two, so that their
	// float sum is exact. 500ms sits on a bucket bound.
	durations := []time.Duration{
		time.Second / 64, time.Second / 8, time.Second / 2, 2 * time.Second, 64 * time.Second,
	}
	modules := []string{"functions/a.wasm", "functions/b.wasm"}
	r := New()

	done := make(chan struct{})
	scraped := make(chan int)
	go func() {
		scrapes := 0
		var last float64
		defer func() { scraped <- scrapes }()
		for {
			select {
			case <-done:
				return
			default:
			}
			var buf bytes.Buffer
			if _, err := r.WriteTo(&buf); err != nil {
				t.Error(err)
				return
			}
			ss, err := parse(buf.String())
			if err != nil {
				t.Errorf("scrape during recording: %v", err)
				return
			}
			for _, s := range ss {
				if s.name == "wasmpages_forwards_total" {
					if s.value < last {
						t.Errorf("forwards went from %v to %v", last, s.value)
					}
					last = s.value
				}
			}
			scrapes++
		}
	}()

	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := range goroutines {
		wg.Go(func() {
			<-start
			module := modules[g%2]
			for i := range calls {
				r.Request("shop", module, "placed", "eu-west", durations[i%len(durations)])
				r.Forward("shop", "eu-west", "ok")
			}
		})
	}
	close(start)
	wg.Wait()
	close(done)
	if n := <-scraped; n == 0 {
		t.Log("no scrape ran during recording")
	}

	_, ss := scrape(t, r)
	if got := ss.value(t, "wasmpages_forwards_total", "project", "shop", "target", "eu-west", "outcome", "ok"); got != goroutines*calls {
		t.Errorf("forwards = %v, want %d", got, goroutines*calls)
	}
	perModule := float64(goroutines / 2 * calls)
	perDuration := perModule / float64(len(durations))
	wantBuckets := map[string]float64{
		"0.001": 0, "0.0025": 0, "0.005": 0, "0.01": 0,
		"0.025": perDuration, "0.05": perDuration, "0.1": perDuration,
		"0.25": 2 * perDuration, "0.5": 3 * perDuration, "1": 3 * perDuration,
		"2.5": 4 * perDuration, "5": 4 * perDuration, "10": 4 * perDuration, "30": 4 * perDuration,
		"+Inf": perModule,
	}
	for _, module := range modules {
		labels := []string{"project", "shop", "module", module, "placement", "placed", "region", "eu-west"}
		if got := ss.value(t, nameRequests+"_count", labels...); got != perModule {
			t.Errorf("%s: count = %v, want %v", module, got, perModule)
		}
		if got, want := ss.value(t, nameRequests+"_sum", labels...), perDuration*(1.0/64+1.0/8+1.0/2+2+64); got != want {
			t.Errorf("%s: sum = %v, want %v", module, got, want)
		}
		for le, want := range wantBuckets {
			if got := ss.value(t, nameRequests+"_bucket", append(labels, "le", le)...); got != want {
				t.Errorf("%s: bucket le=%s = %v, want %v", module, le, got, want)
			}
		}
	}
}

func TestForget(t *testing.T) {
	r := New()
	for _, p := range []string{"old", "kept", "old-2"} {
		r.Request(p, "functions/index.wasm", "local", "us-east", 2*time.Millisecond)
		r.Forward(p, "eu-west", "ok")
		r.Subrequest(p, "https://db.internal", time.Millisecond)
		r.SetPlacementStatus(p, "functions/index.wasm", "SUCCESS")
	}
	r.Probe("region:eu-west", 80*time.Millisecond, true)
	before, _ := scrape(t, r)

	r.Forget("old")
	text, ss := scrape(t, r)
	for _, s := range ss {
		if s.labels["project"] == "old" {
			t.Errorf("after Forget(old), a series remains: %s %v", s.name, s.labels)
		}
	}
	// Everything else is untouched: the text is the old text without the
	// lines of project "old".
	var want strings.Builder
	for _, line := range strings.SplitAfter(before, "\n") {
		if !strings.Contains(line, `project="old"`) {
			want.WriteString(line)
		}
	}
	if text != want.String() {
		t.Errorf("Forget changed other series:\n%s", lineDiff(text, want.String()))
	}
	if got := ss.value(t, "wasmpages_probe_rtt_seconds", "target", "region:eu-west"); got != 0.08 {
		t.Errorf("probe after Forget = %v, want 0.08", got)
	}

	// A new deployment of the project starts from zero.
	r.Forward("old", "eu-west", "ok")
	_, ss = scrape(t, r)
	if got := ss.value(t, "wasmpages_forwards_total", "project", "old", "target", "eu-west", "outcome", "ok"); got != 1 {
		t.Errorf("forwards of a forgotten project = %v, want 1", got)
	}
	if got := ss.value(t, "wasmpages_forwards_total", "project", "kept", "target", "eu-west", "outcome", "ok"); got != 1 {
		t.Errorf("forwards of the kept project = %v, want 1", got)
	}
}

// TestForgetWhileRecording forgets one project over and over while its
// requests and another project's are recorded: the other project's counts
// stay exact and every scrape stays valid.
func TestForgetWhileRecording(t *testing.T) {
	const calls = 5000
	r := New()
	var wg sync.WaitGroup
	for _, p := range []string{"kept", "churn", "churn"} {
		wg.Go(func() {
			for range calls {
				r.Request(p, "functions/index.wasm", "local", "us-east", time.Millisecond)
				r.Subrequest(p, "https://db.internal", time.Millisecond)
			}
		})
	}
	wg.Go(func() {
		for range 200 {
			r.Forget("churn")
			r.SetPlacementStatus("churn", "functions/index.wasm", "SUCCESS")
			if _, err := parse(scrapeText(r)); err != nil {
				t.Errorf("scrape while forgetting: %v", err)
				return
			}
		}
	})
	wg.Wait()
	_, ss := scrape(t, r)
	labels := []string{"project", "kept", "module", "functions/index.wasm", "placement", "local", "region", "us-east"}
	if got := ss.value(t, nameRequests+"_count", labels...); got != calls {
		t.Errorf("kept project count = %v, want %d", got, calls)
	}
}

func scrapeText(r *Registry) string {
	var buf bytes.Buffer
	r.WriteTo(&buf)
	return buf.String()
}

func TestPlacementStatus(t *testing.T) {
	const mod = "functions/api/[id].wasm"
	tests := []struct {
		name     string
		statuses []string
		want     string
	}{
		{"first", []string{"INSUFFICIENT_INVOCATIONS"}, "INSUFFICIENT_INVOCATIONS"},
		{"replaced", []string{"INSUFFICIENT_INVOCATIONS", "SUCCESS"}, "SUCCESS"},
		{"reverted", []string{"INSUFFICIENT_INVOCATIONS", "SUCCESS", "UNSUPPORTED_APPLICATION"}, "UNSUPPORTED_APPLICATION"},
		{"back to none", []string{"SUCCESS", ""}, ""},
		{"same twice", []string{"SUCCESS", "SUCCESS"}, "SUCCESS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New()
			r.SetPlacementStatus("shop", "functions/other.wasm", "SUCCESS")
			for _, s := range tt.statuses {
				r.SetPlacementStatus("shop", mod, s)
			}
			_, ss := scrape(t, r)
			var got []string
			for _, s := range ss {
				if s.name == nameStatus && s.labels["module"] == mod {
					if s.value != 1 {
						t.Errorf("status %q = %v, want 1", s.labels["status"], s.value)
					}
					got = append(got, s.labels["status"])
				}
			}
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("status series %q, want only %q", got, tt.want)
			}
			if ss.value(t, nameStatus, "project", "shop", "module", "functions/other.wasm", "status", "SUCCESS") != 1 {
				t.Error("another module's status changed")
			}
		})
	}
}

func TestProbe(t *testing.T) {
	tests := []struct {
		name  string
		calls func(r *Registry)
		want  float64
	}{
		{"reachable", func(r *Registry) { r.Probe("db.internal:5432", 12500*time.Microsecond, true) }, 0.0125},
		{"unreachable", func(r *Registry) { r.Probe("db.internal:5432", 3*time.Second, false) }, -1},
		{"latest wins", func(r *Registry) {
			r.Probe("db.internal:5432", time.Second, false)
			r.Probe("db.internal:5432", 40*time.Millisecond, true)
		}, 0.04},
		{"unreachable after reachable", func(r *Registry) {
			r.Probe("db.internal:5432", 40*time.Millisecond, true)
			r.Probe("db.internal:5432", 0, false)
		}, -1},
		{"zero round trip", func(r *Registry) { r.Probe("db.internal:5432", 0, true) }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New()
			tt.calls(r)
			_, ss := scrape(t, r)
			if got := ss.value(t, nameProbe, "target", "db.internal:5432"); got != tt.want {
				t.Errorf("probe gauge = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestRecordingDoesNotAllocate checks the steady state of every recording
// method: once a series exists, recording into it allocates nothing.
func TestRecordingDoesNotAllocate(t *testing.T) {
	r := New()
	calls := map[string]func(){
		"Request":    func() { r.Request("shop", "functions/api/[id].wasm", "placed", "eu-west", 3*time.Millisecond) },
		"Forward":    func() { r.Forward("shop", "eu-west", "ok") },
		"Subrequest": func() { r.Subrequest("shop", "https://db.internal", time.Millisecond) },
		"Probe":      func() { r.Probe("region:eu-west", 80*time.Millisecond, true) },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			call()
			if n := testing.AllocsPerRun(1000, call); n != 0 {
				t.Errorf("%s allocates %v times per call", name, n)
			}
		})
	}
}

func BenchmarkRequest(b *testing.B) {
	r := New()
	project, module := "shop", "functions/api/[id].wasm"
	b.ReportAllocs()
	for b.Loop() {
		r.Request(project, module, "placed", "eu-west", 3*time.Millisecond)
	}
}

func BenchmarkRequestParallel(b *testing.B) {
	r := New()
	project, module := "shop", "functions/api/[id].wasm"
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r.Request(project, module, "placed", "eu-west", 3*time.Millisecond)
		}
	})
}

// TestSubrequestOriginCap checks that a function fetching ever new origins
// cannot grow a project's series without bound.
func TestSubrequestOriginCap(t *testing.T) {
	r := New()
	origin := func(i int) string { return fmt.Sprintf("https://h%03d.example.com", i) }
	for i := range MaxOrigins + 10 {
		r.Subrequest("greedy", origin(i), time.Millisecond)
	}
	r.Subrequest("greedy", origin(0), time.Millisecond)            // an origin with its own series
	r.Subrequest("greedy", origin(MaxOrigins+3), time.Millisecond) // past the cap, again
	r.Subrequest("modest", "https://db.internal", time.Millisecond)

	count := func(ss samples, project string) map[string]float64 {
		got := map[string]float64{}
		for _, s := range ss {
			if s.name == nameSubrequests+"_count" && s.labels["project"] == project {
				got[s.labels["origin"]] = s.value
			}
		}
		return got
	}
	_, ss := scrape(t, r)
	greedy := count(ss, "greedy")
	if len(greedy) != MaxOrigins+1 {
		t.Errorf("greedy project has %d origin series, want %d and %q", len(greedy), MaxOrigins, OtherOrigin)
	}
	if greedy[origin(0)] != 2 || greedy[origin(MaxOrigins-1)] != 1 {
		t.Errorf("origins within the cap: %v and %v, want 2 and 1", greedy[origin(0)], greedy[origin(MaxOrigins-1)])
	}
	if _, ok := greedy[origin(MaxOrigins)]; ok {
		t.Errorf("origin past the cap has its own series")
	}
	if greedy[OtherOrigin] != 11 {
		t.Errorf("%q = %v, want 11", OtherOrigin, greedy[OtherOrigin])
	}
	if got := count(ss, "modest"); got["https://db.internal"] != 1 {
		t.Errorf("another project's origin: %v", got)
	}

	// A new deployment gets the whole allowance again.
	r.Forget("greedy")
	for i := range MaxOrigins {
		r.Subrequest("greedy", origin(1000+i), time.Millisecond)
	}
	_, ss = scrape(t, r)
	greedy = count(ss, "greedy")
	if len(greedy) != MaxOrigins || greedy[OtherOrigin] != 0 {
		t.Errorf("after Forget: %d origin series, %v under %q; want %d and none", len(greedy), greedy[OtherOrigin], OtherOrigin, MaxOrigins)
	}
}
