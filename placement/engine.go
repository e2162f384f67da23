package placement

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// seedStream is the PCG's second seed word; Config.Seed is the first.
const seedStream = 0x9e3779b97f4a7c15

// Engine decides where the modules of one deployment of one project run, as
// seen from one node's region. It is created for a deployment and discarded
// with it: an UNSUPPORTED_APPLICATION status lasts as long as the Engine.
//
// An Engine is safe for concurrent use. It does no I/O, starts no goroutine
// and reads no clock: every method that depends on time is given it, and its
// randomness comes from Config.Seed, so the same calls with the same inputs
// give the same decisions.
type Engine struct {
	mu sync.Mutex

	cfg        Config
	names      names
	self       int   // region id of this node's region
	candidates []int // region ids, sorted by name; always holds self
	hint       int   // region id of Config.Hint if it is a candidate, else noID

	probes  map[probeKey]*series
	modules map[string]*module
	target  targetState

	rng     *rand.Rand
	now     time.Time // the latest time the engine has been given
	scratch []float64 // reused by refreshes
}

// probeKey identifies the probes from one region to one target.
type probeKey struct {
	from, to int
}

// New returns an Engine for cfg, running in region self, with regions (every
// region of the cluster; self is added if missing) as the candidates.
func New(cfg Config, self string, regions []string) *Engine {
	e := &Engine{
		cfg:     cfg.withDefaults(),
		names:   newNames(),
		probes:  map[probeKey]*series{},
		modules: map[string]*module{},
		rng:     rand.New(rand.NewPCG(cfg.Seed, seedStream)),
	}
	e.self = e.names.region(self)
	e.target.init(e)
	e.setRegions(regions)
	return e
}

// SetRegions replaces the candidate regions with regions (self is kept
// whatever the list says). A module placed in a region that leaves the list
// is decided again at its next refresh.
func (e *Engine) SetRegions(regions []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.setRegions(regions)
}

func (e *Engine) setRegions(regions []string) {
	ids := []int{e.self}
	for _, r := range regions {
		if r == "" {
			continue
		}
		if id := e.names.region(r); !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b int) int { return cmp.Compare(e.names.regions[a], e.names.regions[b]) })
	e.candidates = ids
	e.hint = noID
	if id, ok := e.names.regionID[e.cfg.Hint]; ok && e.cfg.Hint != "" && slices.Contains(ids, id) {
		e.hint = id
	}
	e.target.regionsChanged(e)
	for _, m := range e.modules {
		m.computed = false
	}
}

// advance records now as the latest time the engine has been given.
func (e *Engine) advance(now time.Time) {
	if now.After(e.now) {
		e.now = now
	}
}

// due reports whether something computed at at should be recomputed at now:
// Config.Refresh has passed, or time went back by more than that.
func (e *Engine) due(at, now time.Time) bool {
	d := now.Sub(at)
	return d >= e.cfg.Refresh || d < -e.cfg.Refresh
}

// since returns the start of the window that ends at now.
func (e *Engine) since(now time.Time) time.Time {
	return now.Add(-e.cfg.Window)
}

// margin returns the margin by which a challenger must beat an incumbent
// whose estimate is incumbent (nanoseconds) to replace it.
func (e *Engine) margin(incumbent float64) float64 {
	return max(float64(e.cfg.MarginAbs), e.cfg.MarginRel*incumbent)
}

// beats reports whether an estimate of challenger replaces one of incumbent:
// a finite challenger beats an infinite incumbent; otherwise it must be
// lower by more than the margin.
func (e *Engine) beats(challenger, incumbent float64) bool {
	switch {
	case math.IsInf(challenger, 1):
		return false
	case math.IsInf(incumbent, 1):
		return true
	}
	return incumbent-challenger > e.margin(incumbent)
}

// regionName returns the name of region id, or "" for noID.
func (e *Engine) regionName(id int) string {
	if id == noID {
		return ""
	}
	return e.names.regions[id]
}
