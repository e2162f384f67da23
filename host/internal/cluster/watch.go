package cluster

import (
	"context"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Retry intervals of a watch that cannot start.
const (
	watchRetryMin = 100 * time.Millisecond
	watchRetryMax = time.Second
)

// watchEvent is one step of a watch.
type watchEvent struct {
	// restart says a new watch starts: the entries that follow restate the
	// whole bucket and replace everything sent before.
	restart bool
	// current says the bucket's state at the (re)start has been sent in
	// full; later entries are changes.
	current bool
	// entry is one key's state or change (a put, delete or purge).
	entry jetstream.KeyValueEntry
}

// watchKV watches every key of the bucket that b binds and sends the
// events, in order, on the returned channel until ctx is done or c is
// closed, then closes the channel. It survives outages: while the control
// plane is unreachable it retries, and after a reconnection, or when the
// watch breaks, it starts over (a restart event, then the current state).
func (c *Control) watchKV(ctx context.Context, what string, b *binding[*kvBucket]) <-chan watchEvent {
	ch := make(chan watchEvent)
	ctx, cancel := context.WithCancel(ctx)
	unregister := context.AfterFunc(c.life, cancel)
	send := func(ev watchEvent) bool {
		select {
		case ch <- ev:
			return true
		case <-ctx.Done():
			return false
		}
	}
	go func() {
		defer close(ch)
		defer cancel()
		defer unregister()
		retry, down := watchRetryMin, false
		for ctx.Err() == nil {
			reconnected := c.reconnects()
			w, err := c.startWatch(ctx, b)
			if err != nil {
				if !down && ctx.Err() == nil {
					c.log.Warn("watch paused until the control plane is back", "watch", what, "err", c.wrap(ctx, "watching "+what, err))
					down = true
				}
				select {
				case <-ctx.Done():
				case <-reconnected:
				case <-time.After(retry):
				}
				retry = min(2*retry, watchRetryMax)
				continue
			}
			if down {
				c.log.Info("watching again", "watch", what)
				down = false
			}
			retry = watchRetryMin
			ok := send(watchEvent{restart: true}) && pump(ctx, w, reconnected, send)
			w.stop()
			if !ok {
				return
			}
		}
	}()
	return ch
}

// kvWatch is a started watch of a bucket.
type kvWatch struct {
	jetstream.KeyWatcher
	// end ends the context the watch runs under.
	end context.CancelFunc
}

// startWatch binds the bucket and starts a watch of all its keys, within
// Options.Timeout. The watch runs until it is stopped or ctx is done.
func (c *Control) startWatch(ctx context.Context, b *binding[*kvBucket]) (*kvWatch, error) {
	octx, cancel := c.op(ctx)
	defer cancel()
	kv, err := b.get(octx)
	if err != nil {
		return nil, err
	}
	// NATS ends a watch when the context it was started with is done, not
	// only its creation: started under octx, the watch would end as soon as
	// startWatch returns, and watchKV would start it over and over, each
	// new start replaying the bucket. So the watch runs under a context of
	// its own, which octx ends only while the watch is being created.
	wctx, end := context.WithCancel(ctx)
	bounded := context.AfterFunc(octx, end)
	w, err := kv.WatchAll(wctx)
	if !bounded() {
		// The timeout (or Close) came first, and ended the watch.
		if err == nil {
			_ = w.Stop()
		}
		err = octx.Err()
	}
	b.failed(err)
	if err != nil {
		end()
		return nil, err
	}
	return &kvWatch{KeyWatcher: w, end: end}, nil
}

// pump sends w's entries until ctx is done (false), or until a
// reconnection or a broken watch calls for a restart (true).
func pump(ctx context.Context, w jetstream.KeyWatcher, reconnected <-chan struct{}, send func(watchEvent) bool) bool {
	for {
		select {
		case <-ctx.Done():
			return false
		case <-reconnected:
			return true
		case e, ok := <-w.Updates():
			if !ok {
				select {
				case <-ctx.Done():
					return false
				case <-time.After(watchRetryMin):
					return true
				}
			}
			if !send(watchEvent{entry: e, current: e == nil}) {
				return false
			}
		}
	}
}

// stop stops w without waiting: stopping deletes the watch's consumer, a
// request that, with the control plane out of reach, waits for its timeout,
// and the watch must not wait for it to end or start over. stop also drains
// w's channel, so that NATS's delivery goroutine, which may be blocked on
// it, finishes.
func (w *kvWatch) stop() {
	go func() {
		_ = w.Stop()
		w.end()
	}()
	go func() {
		for range w.Updates() {
		}
	}()
}
