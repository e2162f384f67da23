package metrics

import (
	"math"
	"sync/atomic"
	"time"
)

// bucketBounds are the inclusive upper bounds of the histograms' buckets,
// below the implicit +Inf.
var bucketBounds = [...]time.Duration{
	1 * time.Millisecond,
	2500 * time.Microsecond,
	5 * time.Millisecond,
	10 * time.Millisecond,
	25 * time.Millisecond,
	50 * time.Millisecond,
	100 * time.Millisecond,
	250 * time.Millisecond,
	500 * time.Millisecond,
	1 * time.Second,
	2500 * time.Millisecond,
	5 * time.Second,
	10 * time.Second,
	30 * time.Second,
}

// numBuckets counts the buckets, +Inf included.
const numBuckets = len(bucketBounds) + 1

// bucketLE holds each bucket's le label as Prometheus writes it ("0.0025",
// "+Inf").
var bucketLE = func() [numBuckets]string {
	var le [numBuckets]string
	for i, d := range bucketBounds {
		le[i] = string(appendFloat(nil, d.Seconds()))
	}
	le[numBuckets-1] = "+Inf"
	return le
}()

// histogram counts durations into bucketBounds. Its zero value is empty and
// ready; it is safe for concurrent use and observe does not allocate.
type histogram struct {
	// counts holds each bucket's own count, not the cumulative one, so that
	// an observation is one addition; the last is the +Inf bucket.
	counts [numBuckets]atomic.Uint64
	// sum holds the sum of the observations in seconds, as float64 bits.
	// A float, as in Prometheus's own client, because a sum of nanoseconds
	// in an int64 would overflow after 292 years of summed durations: within
	// weeks on a busy node.
	sum atomic.Uint64
}

// observe records d; a negative d counts as zero.
func (h *histogram) observe(d time.Duration) {
	d = max(d, 0)
	i := 0
	for i < len(bucketBounds) && d > bucketBounds[i] {
		i++
	}
	h.counts[i].Add(1)
	s := d.Seconds()
	for {
		old := h.sum.Load()
		if h.sum.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+s)) {
			return
		}
	}
}

// snapshot returns the cumulative bucket counts, the count (equal to the
// +Inf bucket) and the sum in seconds.
func (h *histogram) snapshot() (cumulative [numBuckets]uint64, count uint64, sum float64) {
	for i := range h.counts {
		count += h.counts[i].Load()
		cumulative[i] = count
	}
	return cumulative, count, math.Float64frombits(h.sum.Load())
}
