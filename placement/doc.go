// Package placement is the Smart Placement decision engine (spec §1.2-1.8):
// for each module of a deployment (a middleware or a route handler) and
// each ingress region (where a user's request entered the cluster), it
// decides whether the ingress runs the module itself or forwards the request
// to another region, because a function that makes several sequential round
// trips to its back end finishes sooner near it.
//
// The package is pure: it imports only the standard library, does no I/O,
// starts no goroutine and reads no clock. Observations come in through
// [Engine.Observe] and [Engine.ObserveProbe], each with its time; decisions
// come out of [Engine.Decide], given the time; the only randomness (the
// baseline draw) comes from a PCG seeded with [Config.Seed]. The same
// sequence of calls with the same inputs therefore gives the same
// decisions, which is how the tests replay scenarios.
//
// # The estimate
//
// For module m, ingress region i and candidate region r:
//
//	est(i, r) = hop(i, r) + Σ_b n_b · rtt(r, b) + compute
//
// where:
//
//   - hop(i, i) = 0; otherwise the median of the recent probes of region r
//     from i ("region:<r>"; if i has none, those of i from r) plus
//     [Config.ForwardOverhead].
//   - n_b is the mean number of sequential round trips per invocation of m
//     to origin b ("scheme://host:port"), over m's invocations in the window
//     (at most the last 256, from every ingress), counting those that made
//     none: a windowed mean, not an exponentially weighted one, so that old
//     behaviour leaves the figure entirely after [Config.Window].
//   - rtt(r, b) is, in order of preference: the median of m's own round
//     trips to b from r (each invocation's Total / Sequential, "passive"),
//     when there are at least [Config.PassiveMinSamples] in the window;
//     else the median of r's recent probes of b (of the origin, or else of
//     its host:port over TCP) plus b's server time ("probe"); else the
//     median of fewer passive timings; else r's probes saying b does not
//     answer (rtt infinite); else it is missing.
//   - b's server time is how much longer m's round trips to b take than
//     the probes' from the same region: the median over the regions that
//     have both of max(0, passive − probe). Probes measure the network only;
//     a round trip also waits for the origin to answer, so without it a
//     region known only from probes would look faster than one the module
//     ran in.
//   - compute is the median, over the invocations in the window, of the
//     duration less the sequential round trips and, for a forwarded one, its
//     hop. It is the same for every candidate, so it never changes which is
//     lowest; it is reported, and it enlarges the relative margin.
//
// Probes keep their last 5 samples per region and target; an unreachable
// probe counts as +Inf, so a target is unreachable from a region when more
// than half of its recent probes say so. A median is always the lower
// middle sample (nearest rank). Everything older than [Config.Window] is
// forgotten.
//
// An infinite input makes an estimate infinite; a missing one makes it
// unknown; a candidate with either is never chosen. So a back end that only
// some regions reach (a database in a private network) pulls the module to
// those regions whatever the round trips, and a module whose back end only
// the ingress reaches stays there. When the ingress's own estimate is
// infinite and no candidate's is finite, the module stays at the ingress
// ("no region reaches O"); when the ingress's own estimate is unknown, the
// module stays there too ("no estimate for R: ..."), since nothing can be
// compared with it.
//
// # The decision
//
// In smart mode, for module m at ingress i:
//
//  1. Reverted (UNSUPPORTED_APPLICATION): the ingress.
//  2. Fewer than [Config.MinInvocations] invocations in the window (from all
//     ingresses; status INSUFFICIENT_INVOCATIONS): the hint region if
//     [Config.Hint] names a candidate, else the ingress.
//  3. Σ_b n_b < 1 (spec §1.3): the ingress, "few back-end round trips".
//  4. Otherwise, with hysteresis: the incumbent is the region m is placed
//     in for i, or the ingress (at first, and whenever the placed region's
//     estimate becomes infinite or unknown). The lowest other candidate
//     replaces it only when it beats it by the margin, max([Config.MarginAbs],
//     [Config.MarginRel] × the incumbent's estimate); any finite estimate
//     beats an infinite one. From the ingress this is the spec's rule
//     (forward to r* = argmin est only when est(i, i) − est(i, r*) exceeds
//     the margin); once placed at r*, the module moves to another region,
//     or back to the ingress, only when that one beats r* by the margin.
//     Ties go to the region whose name sorts first.
//
// Candidates are every region the engine was given (New, SetRegions), not
// only those where the module has run (spec §1.2): probes give every region
// a round trip, so a decision needs no traffic from every region first.
// Figures and decisions are recomputed at most once per [Config.Refresh] of
// the time passed in (a refresh), so Decide only reads them; between two
// refreshes a decision is at most that stale.
//
// # Baseline and revert
//
// When smart mode places a module, Decide keeps a share of its requests at
// the ingress as the baseline (spec §1.6): [Config.Baseline], 1% by default,
// drawn from the seeded source. While the ingress has fewer than
// [Config.RevertMinSamples] baseline durations in the window, the share is
// raised to 10%, so the comparison is possible within seconds of the first
// placement rather than after hundreds of requests; it then drops back. At
// each refresh, for each ingress with at least RevertMinSamples placed and
// as many baseline durations in the window (Invocation.Placed and
// Invocation.Baseline, durations measured at the ingress, hop included), if
// the placed median exceeds the baseline median by more than
// [Config.RevertTolerance], the module is reverted: status
// UNSUPPORTED_APPLICATION, it runs at the ingress for the life of the Engine
// (one deployment: "until the next deploy").
//
// # Statuses
//
// A module's status (spec §1.5) is "" outside smart mode and before its
// first invocation; then INSUFFICIENT_INVOCATIONS while it has fewer than
// MinInvocations in the window; then SUCCESS, whether the decisions place it
// or not; UNSUPPORTED_APPLICATION once reverted. The spec infers that
// Cloudflare also waits for traffic from several locations and for about 15
// minutes; this engine does not, because probes stand in for the traffic it
// has not seen (DESIGN.md, "Beyond the reference").
//
// # Targeted and off
//
// In targeted mode with a region, every module runs there. With a host or
// hostname, every module runs in the candidate whose recent probes of it
// (the "host:port"; or "https://hostname" or "http://hostname") have the
// lowest median, with the same hysteresis; until a probe of it exists, at
// the ingress ("no probe of H yet"). Off runs everything at the ingress.
// Neither mode has a status or a baseline.
package placement
