package main

import (
	"math"
	"slices"
	"strings"
	"time"
)

// settleRun is how many responses in a row must carry the final majority
// x-placement for a decision to count as settled.
const settleRun = 5

// stats are the figures of a series of requests.
type stats struct {
	n, failed int     // requests counted, and of those, failures (not in the percentiles)
	p50, p95  float64 // milliseconds, nearest rank, over the successful requests
}

// statsOf returns the figures of the samples from index from on.
func statsOf(s []sample, from int) stats {
	var st stats
	var ms []float64
	for _, x := range s[min(from, len(s)):] {
		st.n++
		if !x.ok() {
			st.failed++
			continue
		}
		ms = append(ms, float64(x.Dur)/float64(time.Millisecond))
	}
	slices.Sort(ms)
	st.p50, st.p95 = percentile(ms, 0.5), percentile(ms, 0.95)
	return st
}

// percentile returns the nearest-rank percentile p of the sorted values,
// NaN if there are none.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	k := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[max(0, min(k, len(sorted)-1))]
}

// majority returns the x-placement most of the successful responses of the
// last half of s carry: where the decision ended. Ties go to the name that
// sorts first.
func majority(s []sample) string {
	count := map[string]int{}
	for _, x := range s[len(s)/2:] {
		if x.ok() {
			count[x.Placement]++
		}
	}
	best := ""
	for p, n := range count {
		if n > count[best] || n == count[best] && p < best {
			best = p
		}
	}
	return best
}

// settling is when a client's decision settled.
type settling struct {
	placement string // the final majority x-placement
	// at is the index of the first request from which the next settleRun
	// responses (it included) all carry placement, or -1 if none does.
	at int
	// after is the time from the client's first request to the end of
	// request at.
	after time.Duration
}

// settle finds when the decision of the series s settled.
func settle(s []sample) settling {
	st := settling{placement: majority(s), at: -1}
	for i := 0; i+settleRun <= len(s); i++ {
		if all(s[i:i+settleRun], st.placement) {
			st.at, st.after = i, s[i].end()-s[0].At
			return st
		}
	}
	return st
}

// all reports whether every request of s succeeded with x-placement p.
func all(s []sample, p string) bool {
	for _, x := range s {
		if !x.ok() || x.Placement != p {
			return false
		}
	}
	return true
}

// firstRemote returns the index of the first response that ran in another
// region and the time from the first request to its end, or -1.
func firstRemote(s []sample) (int, time.Duration) {
	for i, x := range s {
		if x.ok() && strings.HasPrefix(x.Placement, "remote-") {
			return i, x.end() - s[0].At
		}
	}
	return -1, 0
}

// remoteShare counts the successful responses of s from index from on that
// ran in another region.
func remoteShare(s []sample, from int) (remote, total int) {
	for _, x := range s[min(from, len(s)):] {
		if x.ok() {
			total++
			if strings.HasPrefix(x.Placement, "remote-") {
				remote++
			}
		}
	}
	return remote, total
}
