package metrics

import (
	"testing"
	"time"
)

// TestBucketLE checks the le labels against the text Prometheus writes for
// these bounds.
func TestBucketLE(t *testing.T) {
	want := [numBuckets]string{"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
		"0.25", "0.5", "1", "2.5", "5", "10", "30", "+Inf"}
	if bucketLE != want {
		t.Errorf("bucket le labels = %q, want %q", bucketLE, want)
	}
}

func TestHistogramObserve(t *testing.T) {
	tests := []struct {
		name  string
		d     time.Duration
		first int // index of the first bucket that counts d
		sum   float64
	}{
		{"zero", 0, 0, 0},
		{"negative counts as zero", -time.Second, 0, 0},
		{"on the first bound", time.Millisecond, 0, 0.001},
		{"just above the first bound", time.Millisecond + 1, 1, 0.001000001},
		{"on a bound is inclusive", 2500 * time.Microsecond, 1, 0.0025},
		{"between bounds", 70 * time.Millisecond, 6, 0.07},
		{"on one second", time.Second, 9, 1},
		{"on the last bound", 30 * time.Second, 13, 30},
		{"above every bound", time.Hour, 14, 3600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h histogram
			h.observe(tt.d)
			cumulative, count, sum := h.snapshot()
			for i, n := range cumulative {
				want := uint64(0)
				if i >= tt.first {
					want = 1
				}
				if n != want {
					t.Errorf("bucket le=%s = %d, want %d", bucketLE[i], n, want)
				}
			}
			if count != 1 || sum != tt.sum {
				t.Errorf("count, sum = %d, %v, want 1, %v", count, sum, tt.sum)
			}
		})
	}
}

func TestHistogramCumulative(t *testing.T) {
	var h histogram
	for _, d := range []time.Duration{
		500 * time.Microsecond, 3 * time.Millisecond, 3 * time.Millisecond, 200 * time.Millisecond,
		2 * time.Second, 2 * time.Second, 2 * time.Second, time.Minute,
	} {
		h.observe(d)
	}
	cumulative, count, sum := h.snapshot()
	want := [numBuckets]uint64{1, 1, 3, 3, 3, 3, 3, 4, 4, 4, 7, 7, 7, 7, 8}
	if cumulative != want {
		t.Errorf("cumulative buckets = %v, want %v", cumulative, want)
	}
	if count != 8 {
		t.Errorf("count = %d, want 8", count)
	}
	if want := 66.2065; sum < want-1e-9 || sum > want+1e-9 {
		t.Errorf("sum = %v, want %v", sum, want)
	}
}
