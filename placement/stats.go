package placement

import (
	"math"
	"slices"
	"time"
)

// sample is one timed value: a duration in nanoseconds, as a float64 so that
// an unreachable probe can be +Inf.
type sample struct {
	at time.Time
	v  float64
}

// series is a ring of the most recent samples of one kind, holding at most
// its capacity; older samples are overwritten. Window filtering happens when
// the samples are read, so a series needs no clock.
type series struct {
	buf  []sample
	next int // where the next sample goes once buf is full
	size int // capacity
}

// newSeries returns an empty series that keeps the last size samples.
func newSeries(size int) *series {
	return &series{size: size}
}

// add records v observed at at.
func (s *series) add(at time.Time, v float64) {
	if len(s.buf) < s.size {
		s.buf = append(s.buf, sample{at, v})
		return
	}
	s.buf[s.next] = sample{at, v}
	s.next = (s.next + 1) % s.size
}

// recent appends to dst the values of the samples observed at or after
// since, and returns the extended slice.
func (s *series) recent(since time.Time, dst []float64) []float64 {
	for i := range s.buf {
		if !s.buf[i].at.Before(since) {
			dst = append(dst, s.buf[i].v)
		}
	}
	return dst
}

// count returns how many samples were observed at or after since.
func (s *series) count(since time.Time) int {
	n := 0
	for i := range s.buf {
		if !s.buf[i].at.Before(since) {
			n++
		}
	}
	return n
}

// percentile sorts vals in place and returns their nearest-rank p-th
// percentile (0 < p <= 1): the smallest value such that at least p of the
// values are at or below it. The median (p = 0.5) of an even count is thus
// the lower of the two middle values, always a value that was observed. It
// returns 0 for no values.
func percentile(vals []float64, p float64) float64 {
	if len(vals) == 0 {
		return 0
	}
	slices.Sort(vals)
	k := int(math.Ceil(p*float64(len(vals)))) - 1
	return vals[max(0, min(k, len(vals)-1))]
}

// median is percentile(vals, 0.5).
func median(vals []float64) float64 {
	return percentile(vals, 0.5)
}
