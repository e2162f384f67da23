// Package metrics holds the Prometheus metrics of a node, served by the
// admin listener at GET /metrics in the Prometheus text exposition format,
// version 0.0.4. The format is written here with the standard library only.
//
// # Metrics
//
// Durations are in seconds. The two histograms share the buckets 0.001,
// 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 and 30
// seconds, plus +Inf; their buckets are cumulative, as Prometheus expects.
//
//   - wasmpages_request_duration_seconds{project, module, placement, region}
//     (histogram): the duration of each function request, measured from when
//     the request enters the node until its response is delivered (spec
//     §1.12, "Request duration"). placement is "local" (placement off, or
//     decided local), "placed" (forwarded by a placement decision) or
//     "baseline" (kept local as part of the baseline share), so that the
//     placed and baseline series of §1.12 can be compared; region is the
//     region that ran the module.
//   - wasmpages_forwards_total{project, target, outcome} (counter): forwards
//     to another region, by outcome: "ok"; "not_sent" (the request ran
//     locally instead); "refused" (the target answered 409, the request ran
//     locally); "failed" (the user got a 502 or 504).
//   - wasmpages_subrequest_duration_seconds{project, origin} (histogram):
//     the duration of functions' outbound fetches, by back-end origin. A
//     function chooses the URLs it fetches, so a project has series for at
//     most [MaxOrigins] origins; the fetches to any other origin are counted
//     under origin="other" ([OtherOrigin]).
//   - wasmpages_probe_rtt_seconds{target} (gauge): the latest probe round
//     trip from this node to a peer region ("region:eu-west") or a back-end
//     origin; -1 when the latest probe found the target unreachable.
//   - wasmpages_placement_status{project, module, status} (gauge): 1 for the
//     module's current placement status (spec §1.5); a module has one such
//     series at a time. The status "" (placement off, or no invocation yet)
//     is written as status="", which Prometheus stores as a series without
//     the status label.
//
// # Cost
//
// Each series is created on the first observation of its label set. From
// then on recording takes no lock and allocates nothing: a lookup in a
// concurrent map and a few atomic additions. (The one exception: a
// subrequest to an origin past MaxOrigins takes a lock to find that it
// belongs under OtherOrigin.) Scraping reads the counters
// without stopping recording, so one scrape may count an observation in a
// histogram's buckets and not yet in its sum; its +Inf bucket always equals
// its count.
//
// # Lifetime
//
// Series live until [Registry.Forget] drops a project's, when its deployment
// is replaced: modules that no longer exist disappear, and the new
// deployment starts from zero, as its placement statuses do. Prometheus
// reads the restart as a counter reset. Probe series are the node's, not a
// project's, and are never dropped.
package metrics
