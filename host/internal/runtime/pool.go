package runtime

import (
	"context"
	goruntime "runtime"
	"sync"
	"time"
)

// pool holds a module's instances. Instances cost memory and, used in
// turn, cache misses, so the pool starts a new one only while fewer than
// GOMAXPROCS of its instances are running guest code: instances blocked in
// a subrequest do not count, so an I/O-bound function gets as many as its
// waiting requests need (up to max), and a CPU-bound one about one per
// core. Idle instances are reused last-in first-out, the warmest first.
type pool struct {
	mu      sync.Mutex
	idle    []*instance
	live    int // instances started and not discarded
	running int // instances acquired and not waiting in a subrequest
	max     int
	cpus    int
	// wake has a token when a waiter may make progress: an instance was
	// released or discarded, or one started waiting for I/O.
	wake chan struct{}
}

func (p *pool) init(max int) {
	p.max = max
	p.cpus = goruntime.GOMAXPROCS(0)
	p.wake = make(chan struct{}, 1)
}

// acquire returns an instance for one call. fresh reports whether it was
// started for this call.
func (m *Module) acquire(ctx context.Context, deadline time.Time) (in *instance, fresh bool, err error) {
	p := &m.pool
	for {
		p.mu.Lock()
		if n := len(p.idle); n > 0 {
			in = p.idle[n-1]
			p.idle = p.idle[:n-1]
			p.running++
			more := n > 1
			p.mu.Unlock()
			if more {
				// Wake-ups coalesce in the one-slot channel: pass one on
				// while instances are still idle, so no waiter sleeps
				// beside one.
				p.signal()
			}
			return in, false, nil
		}
		if p.live < p.max && p.running < p.cpus {
			p.live++
			p.running++
			p.mu.Unlock()
			in, err := m.instantiate(ctx)
			if err != nil {
				p.mu.Lock()
				p.live--
				p.running--
				p.mu.Unlock()
				p.signal()
				return nil, false, err
			}
			return in, true, nil
		}
		p.mu.Unlock()
		if err := m.wait(ctx, deadline); err != nil {
			return nil, false, err
		}
	}
}

// wait waits for an instance to be released, until ctx is done or the
// deadline (if not zero) passes.
func (m *Module) wait(ctx context.Context, deadline time.Time) error {
	var expired <-chan time.Time
	if !deadline.IsZero() {
		t := time.NewTimer(time.Until(deadline))
		defer t.Stop()
		expired = t.C
	}
	select {
	case <-m.pool.wake:
		return nil
	case <-expired:
		return context.DeadlineExceeded
	case <-ctx.Done():
		return ctx.Err()
	}
}

// signal wakes one waiter.
func (p *pool) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// add puts a new instance, not acquired, into the pool.
func (p *pool) add(in *instance) {
	p.mu.Lock()
	p.live++
	p.idle = append(p.idle, in)
	p.mu.Unlock()
	p.signal()
}

// release returns a healthy instance after its call.
func (p *pool) release(in *instance) {
	p.mu.Lock()
	p.running--
	p.idle = append(p.idle, in)
	p.mu.Unlock()
	p.signal()
}

// discard closes an instance that must not serve again, after its call.
func (p *pool) discard(ctx context.Context, in *instance) {
	in.close(ctx)
	p.mu.Lock()
	p.running--
	p.live--
	p.mu.Unlock()
	p.signal()
}

// blocking marks the calling instance as waiting for I/O until the
// returned function is called, so that another may start meanwhile.
func (p *pool) blocking() (done func()) {
	p.mu.Lock()
	p.running--
	p.mu.Unlock()
	p.signal()
	return func() {
		p.mu.Lock()
		p.running++
		p.mu.Unlock()
	}
}

// drain closes the idle instances.
func (p *pool) drain(ctx context.Context) {
	p.mu.Lock()
	idle := p.idle
	p.idle = nil
	p.live -= len(idle)
	p.mu.Unlock()
	for _, in := range idle {
		in.close(ctx)
	}
}

// Live returns the number of live instances (idle or serving).
func (m *Module) Live() int {
	m.pool.mu.Lock()
	defer m.pool.mu.Unlock()
	return m.pool.live
}

// Idle returns the number of idle instances.
func (m *Module) Idle() int {
	m.pool.mu.Lock()
	defer m.pool.mu.Unlock()
	return len(m.pool.idle)
}
