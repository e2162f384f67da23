package placement

import "time"

// Fixed reasons of a Decision. The other reasons are built from these
// patterns, where R is a region, D a duration and O an origin or host:
//
//	"faster in R by D"              placed: R's estimate is D below the ingress's
//	"kept in R: local is D faster"  placed: the ingress is faster, but not by the margin
//	"R is D faster, within margin"  local: R is faster, but not by the margin
//	"O unreachable from R"          placed: the ingress R cannot reach O
//	"no region reaches O"           local: no candidate can reach O (or host O)
//	"no estimate for R: ..."        local: the ingress R lacks a measurement
//	"no probe of O yet"             targeted: no region has probed host O
const (
	ReasonOff              = "placement off"
	ReasonInsufficient     = "insufficient invocations"
	ReasonHint             = "hint"
	ReasonTargetedRegion   = "targeted region"
	ReasonTargetedHost     = "targeted host"
	ReasonTargetedHostname = "targeted hostname"
	ReasonBaseline         = "baseline"
	ReasonLocalFastest     = "local is fastest"
	ReasonFewRoundTrips    = "few back-end round trips"
	ReasonReverted         = "unsupported application (reverted)"
)

// reasonKind is the pattern of a reason.
type reasonKind uint8

const (
	rkNone reasonKind = iota
	rkInsufficient
	rkHint
	rkFewRoundTrips
	rkReverted
	rkLocalFastest
	rkTargetedRegion
	rkTargetedHost
	rkTargetedHostname
	rkFaster         // region, d
	rkKept           // region, d
	rkWithinMargin   // region, d
	rkUnreachable    // region (the ingress), target
	rkNoRegion       // target
	rkNoRegionTarget // (the targeted host)
	rkNoEstimate     // region (the ingress), target
	rkNoProbe        // (the targeted host)
)

// reasonKey is everything a reason's text depends on, so that the text is
// built only when it changes: a steady decision allocates nothing.
type reasonKey struct {
	kind   reasonKind
	region int
	target int
	d      time.Duration
}

// reasonText returns the text of k.
func (e *Engine) reasonText(k reasonKey) string {
	switch k.kind {
	case rkInsufficient:
		return ReasonInsufficient
	case rkHint:
		return ReasonHint
	case rkFewRoundTrips:
		return ReasonFewRoundTrips
	case rkReverted:
		return ReasonReverted
	case rkLocalFastest:
		return ReasonLocalFastest
	case rkTargetedRegion:
		return ReasonTargetedRegion
	case rkTargetedHost:
		return ReasonTargetedHost
	case rkTargetedHostname:
		return ReasonTargetedHostname
	case rkFaster:
		return "faster in " + e.regionName(k.region) + " by " + k.d.String()
	case rkKept:
		return "kept in " + e.regionName(k.region) + ": local is " + k.d.String() + " faster"
	case rkWithinMargin:
		return e.regionName(k.region) + " is " + k.d.String() + " faster, within margin"
	case rkUnreachable:
		return e.targetName(k.target) + " unreachable from " + e.regionName(k.region)
	case rkNoRegion:
		return "no region reaches " + e.targetName(k.target)
	case rkNoRegionTarget:
		return "no region reaches " + e.target.name
	case rkNoEstimate:
		return "no estimate for " + e.regionName(k.region) + ": " + e.missing(k.region, k.region, k.target)
	case rkNoProbe:
		return "no probe of " + e.target.name + " yet"
	}
	return ReasonOff
}

// setDecision sets d to run in region (noID: at the ingress) for reason k,
// building the reason's text only if k changed.
func (e *Engine) setDecision(d *Decision, key *reasonKey, region int, k reasonKey) {
	d.Region = e.regionName(region)
	d.Baseline = false
	if *key != k || d.Reason == "" {
		*key = k
		d.Reason = e.reasonText(k)
	}
}

// reasonDuration rounds an estimate difference (nanoseconds) for a reason:
// to the millisecond, or to 10µs below a millisecond.
func reasonDuration(ns float64) time.Duration {
	d := time.Duration(ns)
	if d >= time.Millisecond || d <= -time.Millisecond {
		return d.Round(time.Millisecond)
	}
	return d.Round(10 * time.Microsecond)
}
