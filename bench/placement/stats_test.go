package main

import (
	"math"
	"strings"
	"testing"
	"time"
)

// series makes one sample per placement of a space-separated list, 10ms
// apart and 5ms long each; "x" is a failed request.
func series(placements string) []sample {
	var out []sample
	for i, p := range strings.Fields(placements) {
		s := sample{At: time.Duration(i) * 10 * time.Millisecond, Dur: 5 * time.Millisecond, Status: 200, Placement: p}
		if p == "x" {
			s.Status, s.Placement = 502, ""
		}
		out = append(out, s)
	}
	return out
}

func TestSettle(t *testing.T) {
	for _, tc := range []struct {
		name, series string
		want         string
		at           int
		after        time.Duration
	}{
		{"local from the start", "L L L L L L", "L", 0, 5 * time.Millisecond},
		{"placed after learning", "L L L R R R R R R R", "R", 3, 35 * time.Millisecond},
		{"a baseline request breaks the run", "L L R R L R R R R R R R", "R", 5, 55 * time.Millisecond},
		{"a failure breaks the run", "L R R x R R R R R R", "R", 4, 45 * time.Millisecond},
		{"never five in a row", "L R L R L R L R L R", "R", -1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := settle(series(tc.series))
			if st.placement != tc.want || st.at != tc.at || st.after != tc.after {
				t.Errorf("settle(%s) = %q at %d after %s, want %q at %d after %s",
					tc.series, st.placement, st.at, st.after, tc.want, tc.at, tc.after)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	twenty := make([]float64, 20)
	for i := range twenty {
		twenty[i] = float64(i + 1)
	}
	for _, tc := range []struct {
		name   string
		sorted []float64
		p      float64
		want   float64
	}{
		{"median of an odd count", []float64{1, 2, 3}, 0.5, 2},
		{"median of an even count is the lower middle", []float64{1, 2, 3, 4}, 0.5, 2},
		{"p95 of 20 is the 19th", twenty, 0.95, 19},
		{"p95 of one", []float64{7}, 0.95, 7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := percentile(tc.sorted, tc.p); got != tc.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tc.sorted, tc.p, got, tc.want)
			}
		})
	}
	if got := percentile(nil, 0.5); !math.IsNaN(got) {
		t.Errorf("percentile of nothing = %v, want NaN", got)
	}
}

func TestStatsLeaveOutFailures(t *testing.T) {
	s := series("L x L L")
	s[2].Dur = 50 * time.Millisecond
	st := statsOf(s, 1)
	if st.n != 3 || st.failed != 1 || st.p50 != 5 || st.p95 != 50 {
		t.Errorf("statsOf from 1 = %+v, want 3 counted, 1 failed, p50 5, p95 50", st)
	}
}

func TestFirstRemote(t *testing.T) {
	i, after := firstRemote(series("local-b local-b remote-a local-b"))
	if i != 2 || after != 25*time.Millisecond {
		t.Errorf("firstRemote = %d after %s, want 2 after 25ms", i, after)
	}
	if i, _ := firstRemote(series("local-b local-b")); i != -1 {
		t.Errorf("firstRemote with none = %d, want -1", i)
	}
}
