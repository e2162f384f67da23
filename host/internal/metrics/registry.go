package metrics

import (
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Registry holds a node's metrics. It is safe for concurrent use. Recording
// creates a series on the first use of its label set; after that it takes
// no lock and allocates nothing. The zero Registry is not usable: call New.
type Registry struct {
	requests    family[requestKey, histogram]
	forwards    family[forwardKey, atomic.Uint64]
	subrequests family[subrequestKey, histogram]
	probes      family[probeKey, atomic.Uint64] // float64 bits, in seconds

	mu       sync.Mutex
	statuses map[moduleKey]string // guarded by mu
	origins  map[string]int       // subrequest origins with a series, by project; guarded by mu
}

// MaxOrigins is how many back-end origins a project's subrequests are
// recorded under; the subrequests to any further origin are recorded under
// the origin OtherOrigin. Origins come from the URLs that functions fetch,
// so without a bound one function could create series without end.
const MaxOrigins = 64

// OtherOrigin is the origin label of the subrequests past MaxOrigins. It is
// not a URL origin, so it cannot be mistaken for one.
const OtherOrigin = "other"

// New returns an empty Registry.
func New() *Registry {
	return &Registry{statuses: make(map[moduleKey]string), origins: make(map[string]int)}
}

// Request records one function request at the ingress: its project, module
// (e.g. "functions/api/[id].wasm"), the placement of the module for this
// request ("local": placement off or decided local; "placed": forwarded by a
// placement decision; "baseline": kept local as part of the baseline
// share), the region that ran it, and its duration, from when the request
// entered this node until its response was delivered (spec §1.12).
func (r *Registry) Request(project, module, placement, ranIn string, d time.Duration) {
	r.requests.get(requestKey{project, module, placement, ranIn}).observe(d)
}

// Forward records one forward of a request of project to the region target,
// by outcome: "ok"; "not_sent" (the request ran locally instead); "refused"
// (the target answered 409 and the request ran locally); "failed" (the user
// got a 502 or 504).
func (r *Registry) Forward(project, target, outcome string) {
	r.forwards.get(forwardKey{project, target, outcome}).Add(1)
}

// Subrequest records a function's outbound fetch to a back-end origin and
// its duration. Past MaxOrigins origins in the project, it records under
// OtherOrigin.
func (r *Registry) Subrequest(project, origin string, d time.Duration) {
	h, ok := r.subrequests.load(subrequestKey{project, origin})
	if !ok {
		h = r.newSubrequestSeries(project, origin)
	}
	h.observe(d)
}

// newSubrequestSeries returns the histogram of a subrequest origin that has
// none yet, creating it, or returns the project's OtherOrigin histogram if
// the project has MaxOrigins origins already.
func (r *Registry) newSubrequestSeries(project, origin string) *histogram {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := subrequestKey{project, origin}
	if h, ok := r.subrequests.load(k); ok {
		return h
	}
	if r.origins[project] >= MaxOrigins {
		k.origin = OtherOrigin
	} else if origin != OtherOrigin {
		r.origins[project]++
	}
	return r.subrequests.get(k)
}

// Probe records the latest probe round trip from this node to target: a
// peer region ("region:eu-west") or a back-end origin. When reachable is
// false, rtt is ignored and the gauge is set to -1, a value no round trip
// can have, so that an alert can test for it.
func (r *Registry) Probe(target string, rtt time.Duration, reachable bool) {
	v := -1.0
	if reachable {
		v = max(rtt, 0).Seconds()
	}
	r.probes.get(probeKey{target}).Store(math.Float64bits(v))
}

// SetPlacementStatus records the current placement status of a module
// (spec §1.5): "", INSUFFICIENT_INVOCATIONS, SUCCESS or
// UNSUPPORTED_APPLICATION. The module's series with this status is 1; its
// series with any other status is removed.
func (r *Registry) SetPlacementStatus(project, module, status string) {
	r.mu.Lock()
	r.statuses[moduleKey{project, module}] = status
	r.mu.Unlock()
}

// Forget drops every series of project: its requests, forwards,
// subrequests and placement statuses; the project's next subrequests may
// again use MaxOrigins origins. It is meant for when the project's
// deployment is replaced, so that modules that no longer exist disappear
// and the new deployment starts from zero. An observation recorded
// concurrently with Forget may be lost, or may start a new series.
func (r *Registry) Forget(project string) {
	r.requests.forget(project)
	r.forwards.forget(project)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.subrequests.forget(project)
	delete(r.origins, project)
	for k := range r.statuses {
		if k.project == project {
			delete(r.statuses, k)
		}
	}
}

// family holds the series of one metric, by label set K; V is the series'
// value, updated atomically.
type family[K labelSet[K], V any] struct {
	m sync.Map // K -> *series[K, V]
}

// series is one label set of a metric and its value.
type series[K any, V any] struct {
	key    K
	labels string // the rendered label pairs, computed once
	value  V
}

// load returns the value of the series k, if it exists.
func (f *family[K, V]) load(k K) (*V, bool) {
	if s, ok := f.m.Load(k); ok {
		return &s.(*series[K, V]).value, true
	}
	return nil, false
}

// get returns the value of the series k, creating the series if needed.
func (f *family[K, V]) get(k K) *V {
	if v, ok := f.load(k); ok {
		return v
	}
	s, _ := f.m.LoadOrStore(k, &series[K, V]{key: k, labels: k.render()})
	return &s.(*series[K, V]).value
}

// forget drops the series of project.
func (f *family[K, V]) forget(project string) {
	f.m.Range(func(k, _ any) bool {
		if k.(K).of(project) {
			f.m.Delete(k)
		}
		return true
	})
}

// sorted returns the series ordered by their label values.
func (f *family[K, V]) sorted() []*series[K, V] {
	var all []*series[K, V]
	f.m.Range(func(_, s any) bool {
		all = append(all, s.(*series[K, V]))
		return true
	})
	slices.SortFunc(all, func(a, b *series[K, V]) int { return a.key.compare(b.key) })
	return all
}
