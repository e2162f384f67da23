package placement

import "time"

// Capacities of the rings that hold a module's recent observations.
const (
	callCapacity    = 256 // invocations (raised to Config.MinInvocations)
	passiveCapacity = 32  // per-round-trip timings, per region and origin
	outcomeCapacity = 64  // placed or baseline durations, per ingress
	probeCapacity   = 5   // probes, per region and target
	maxOrigins      = 64  // distinct back-end origins per module
)

// module holds what the engine knows about one module: its recent
// invocations and the figures computed from them at its last refresh.
type module struct {
	name string

	calls    []call // ring of the most recent invocations
	nextCall int
	callCap  int

	origins   []int           // target ids of its back ends, in the order first seen
	originIdx map[int]int     // target id → index in origins
	passive   [][]passive     // [region id][origin index]
	outcomes  []*outcomes     // [ingress region id]
	ingresses []*ingressState // [ingress region id]

	// Set by refresh.
	computed    bool
	computedAt  time.Time
	status      string
	invocations int       // within the window, all ingresses
	roundTrips  []float64 // n_b by origin index
	totalTrips  float64   // Σ n_b
	compute     float64   // median duration not spent in sequential round trips, ns
	serverTime  []float64 // by origin index, ns

	reverted bool
	revert   RevertReport
}

// call is one recorded invocation.
type call struct {
	at       time.Time
	ingress  int
	ran      int
	duration time.Duration
	backends []callBackend
}

// callBackend is one origin's sequential round trips in one invocation.
type callBackend struct {
	origin     int // index in module.origins
	sequential int
	total      time.Duration
}

// passive is the per-round-trip timings of a module's calls to one origin
// from one region, and their median at the last refresh.
type passive struct {
	timings *series
	median  float64
	count   int
}

// outcomes is the request durations of placed and of baseline invocations
// from one ingress.
type outcomes struct {
	placed, baseline *series
	// Counts within the window at the last refresh.
	placedCount, baselineCount int
}

// ingressState is a module's decision for requests entering at one region.
type ingressState struct {
	current  int // region id the module is placed in, or noID for the ingress
	decision Decision
	reason   reasonKey
	est      []estimate // by position in Engine.candidates, at the last decision
}

func newModule(name string, minInvocations int) *module {
	return &module{name: name, callCap: max(callCapacity, minInvocations), originIdx: map[int]int{}}
}

// origin returns the index in m.origins of target id t, adding it if there
// is room; ok is false when the module already has maxOrigins others. There
// is always room for noID, which stands for the origins past maxOrigins.
func (m *module) origin(t int) (idx int, ok bool) {
	if i, ok := m.originIdx[t]; ok {
		return i, true
	}
	if len(m.origins) >= maxOrigins && t != noID {
		return 0, false
	}
	m.originIdx[t] = len(m.origins)
	m.origins = append(m.origins, t)
	m.roundTrips = append(m.roundTrips, 0)
	m.serverTime = append(m.serverTime, 0)
	return len(m.origins) - 1, true
}

// nextSlot returns the ring slot for a new invocation, reusing the oldest
// one's memory once the ring is full.
func (m *module) nextSlot() *call {
	if len(m.calls) < m.callCap {
		m.calls = append(m.calls, call{})
		return &m.calls[len(m.calls)-1]
	}
	c := &m.calls[m.nextCall]
	m.nextCall = (m.nextCall + 1) % m.callCap
	return c
}

// passiveCell returns the timings cell of region r and origin index o,
// creating it if create is set; it returns nil if absent and not created.
func (m *module) passiveCell(r, o int, create bool) *passive {
	if r >= len(m.passive) || o >= len(m.passive[r]) {
		if !create {
			return nil
		}
		for len(m.passive) <= r {
			m.passive = append(m.passive, nil)
		}
		for len(m.passive[r]) <= o {
			m.passive[r] = append(m.passive[r], passive{})
		}
	}
	p := &m.passive[r][o]
	if p.timings == nil {
		if !create {
			return nil
		}
		p.timings = newSeries(passiveCapacity)
	}
	return p
}

// outcomesOf returns the outcomes of ingress i, creating them if create is
// set; it returns nil if absent and not created.
func (m *module) outcomesOf(i int, create bool) *outcomes {
	if i < len(m.outcomes) && m.outcomes[i] != nil {
		return m.outcomes[i]
	}
	if !create {
		return nil
	}
	for len(m.outcomes) <= i {
		m.outcomes = append(m.outcomes, nil)
	}
	m.outcomes[i] = &outcomes{placed: newSeries(outcomeCapacity), baseline: newSeries(outcomeCapacity)}
	return m.outcomes[i]
}

// ingress returns the decision state of ingress region i, creating it.
func (m *module) ingress(i int) *ingressState {
	for len(m.ingresses) <= i {
		m.ingresses = append(m.ingresses, nil)
	}
	if m.ingresses[i] == nil {
		m.ingresses[i] = &ingressState{current: noID}
	}
	return m.ingresses[i]
}
