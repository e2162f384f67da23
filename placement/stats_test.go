package placement

import (
	"math"
	"slices"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	inf := math.Inf(1)
	tests := []struct {
		name string
		vals []float64
		p    float64
		want float64
	}{
		{"none", nil, 0.5, 0},
		{"one", []float64{7}, 0.5, 7},
		{"odd median", []float64{3, 1, 2}, 0.5, 2},
		{"even median is the lower middle", []float64{4, 1, 3, 2}, 0.5, 2},
		{"p95 of 20 is the 19th", []float64{20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 0.95, 19},
		{"p95 of 3 is the largest", []float64{1, 2, 3}, 0.95, 3},
		{"minority unreachable", []float64{inf, 5, 6}, 0.5, 6},
		{"half unreachable", []float64{inf, 5}, 0.5, 5},
		{"majority unreachable", []float64{inf, 5, inf}, 0.5, inf},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(slices.Clone(tt.vals), tt.p); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.vals, tt.p, got, tt.want)
			}
		})
	}
}

// TestSeries: a series keeps its last samples and reads those in the window.
func TestSeries(t *testing.T) {
	s := newSeries(3)
	for k := range 5 {
		s.add(at(time.Duration(k)*time.Second), float64(k))
	}
	tests := []struct {
		since time.Duration
		want  []float64
	}{
		{0, []float64{2, 3, 4}}, // 0 and 1 were overwritten
		{3 * time.Second, []float64{3, 4}},
		{4 * time.Second, []float64{4}},
		{5 * time.Second, nil},
	}
	for _, tt := range tests {
		got := s.recent(at(tt.since), nil)
		slices.Sort(got)
		if !slices.Equal(got, tt.want) || s.count(at(tt.since)) != len(tt.want) {
			t.Errorf("since %v: %v (count %d), want %v", tt.since, got, s.count(at(tt.since)), tt.want)
		}
	}
}
