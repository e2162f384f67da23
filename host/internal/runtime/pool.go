package runtime

import "context"

// pool holds a module's idle instances and caps how many live at once.
// Acquire prefers an idle instance, then starts a new one if a slot is free,
// then waits for either.
type pool struct {
	idle  chan *instance
	slots chan struct{} // one token per live instance
}

func (p *pool) init(max int) {
	p.idle = make(chan *instance, max)
	p.slots = make(chan struct{}, max)
}

// acquire returns an instance for one call. fresh reports whether it was
// started for this call.
func (m *Module) acquire(ctx context.Context) (in *instance, fresh bool, err error) {
	p := &m.pool
	select {
	case in := <-p.idle:
		return in, false, nil
	default:
	}
	select {
	case in := <-p.idle:
		return in, false, nil
	case p.slots <- struct{}{}:
		in, err := m.instantiate(ctx)
		if err != nil {
			<-p.slots
			return nil, false, err
		}
		return in, true, nil
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
}

// release returns a healthy instance to the pool.
func (p *pool) release(in *instance) { p.idle <- in }

// discard closes an instance that must not serve again and frees its slot.
func (p *pool) discard(ctx context.Context, in *instance) {
	in.close(ctx)
	<-p.slots
}

// drain closes the idle instances.
func (p *pool) drain(ctx context.Context) {
	for {
		select {
		case in := <-p.idle:
			p.discard(ctx, in)
		default:
			return
		}
	}
}

// Live returns the number of live instances (idle or serving).
func (m *Module) Live() int { return len(m.pool.slots) }

// Idle returns the number of idle instances.
func (m *Module) Idle() int { return len(m.pool.idle) }
