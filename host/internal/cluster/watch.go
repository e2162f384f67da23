package cluster

import (
	"context"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Retry intervals of a watch that cannot start.
const (
	watchRetryMin = 100 * time.Millisecond
	watchRetryMax = time.Second
)

// Bounds of the interval at which the server that holds a watch's consumer
// tells the watch, while nothing changes, that the consumer is alive (see
// watchHeartbeat). NATS accepts no less than 500ms.
const (
	minWatchHeartbeat = 500 * time.Millisecond
	maxWatchHeartbeat = time.Second
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
			ok := send(watchEvent{restart: true}) && w.pump(ctx, reconnected, send)
			w.stop()
			if !ok {
				return
			}
		}
	}()
	return ch
}

// kvWatch is a started watch of every key of a bucket: an ordered consumer
// of the bucket's stream that starts with the last entry of each key.
//
// The watch does not use the key-value API's own watcher, whose consumer
// takes 10 to 20 seconds to notice that it was lost with its server; and
// it lives until it is stopped, not as long as the context it was started
// with.
type kvWatch struct {
	bucket  string
	prefix  string // of the keys' subjects: "$KV.<bucket>."
	stream  jetstream.Stream
	cons    jetstream.Consumer
	msgs    jetstream.MessagesContext
	pending uint64 // entries of the current state at the start
	timeout time.Duration
}

// startWatch binds the bucket and starts a watch of all its keys, within
// Options.Timeout.
func (c *Control) startWatch(ctx context.Context, b *binding[*kvBucket]) (*kvWatch, error) {
	octx, cancel := c.op(ctx)
	defer cancel()
	kv, err := b.get(octx)
	if err != nil {
		return nil, err
	}
	prefix := "$KV." + kv.Bucket() + "."
	cons, err := kv.stream.OrderedConsumer(octx, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{prefix + ">"},
		DeliverPolicy:  jetstream.DeliverLastPerSubjectPolicy,
	})
	b.failed(err)
	if err != nil {
		return nil, err
	}
	w := &kvWatch{
		bucket:  kv.Bucket(),
		prefix:  prefix,
		stream:  kv.stream,
		cons:    cons,
		pending: cons.CachedInfo().NumPending,
		timeout: c.timeout,
	}
	w.msgs, err = cons.Messages(jetstream.PullHeartbeat(c.watchHeartbeat()))
	if err != nil {
		go w.deleteConsumer()
		return nil, err
	}
	return w, nil
}

// watchHeartbeat returns how often the server that holds a watch's
// consumer tells the watch, while nothing changes, that the consumer is
// alive. A watch whose consumer is lost with its server notices within two
// heartbeats and goes on, from where it was, on a new consumer: within a
// third of the member TTL (for a TTL of 3s or more), so that the members
// watch is back before the members it no longer hears from (each announces
// every third of the TTL) expire.
func (c *Control) watchHeartbeat() time.Duration {
	return max(minWatchHeartbeat, min(maxWatchHeartbeat, c.memberTTL/6))
}

// pump sends w's entries, and the current event once the entries that made
// the state at the start are sent, until ctx is done (false), or until a
// reconnection or a broken watch calls for a restart (true).
func (w *kvWatch) pump(ctx context.Context, reconnected <-chan struct{}, send func(watchEvent) bool) bool {
	entries := make(chan jetstream.KeyValueEntry)
	broken := make(chan struct{})
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(broken)
		for {
			// Next resumes on a new consumer by itself when the consumer
			// is lost; it fails once w is stopped.
			m, err := w.msgs.Next()
			if err != nil {
				return
			}
			e, err := w.entry(m)
			if err != nil {
				return
			}
			select {
			case entries <- e:
			case <-done:
				return
			}
		}
	}()

	current := w.pending == 0
	if current && !send(watchEvent{current: true}) {
		return false
	}
	var received uint64
	for {
		select {
		case <-ctx.Done():
			return false
		case <-reconnected:
			return true
		case <-broken:
			select {
			case <-ctx.Done():
				return false
			case <-time.After(watchRetryMin):
				return true
			}
		case e := <-entries:
			if !send(watchEvent{entry: e}) {
				return false
			}
			if current {
				continue
			}
			received++
			if received >= w.pending || e.Delta() == 0 {
				current = true
				if !send(watchEvent{current: true}) {
					return false
				}
			}
		}
	}
}

// stop stops w and deletes its consumer, without waiting: stopping waits
// for a consumer being replaced, and the deletion, with the control plane
// out of reach, for its timeout.
func (w *kvWatch) stop() {
	go func() {
		w.msgs.Stop()
		w.deleteConsumer()
	}()
}

// deleteConsumer deletes w's consumer, which the server would otherwise
// keep until it has been idle for minutes.
func (w *kvWatch) deleteConsumer() {
	info := w.cons.CachedInfo()
	if info == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), w.timeout)
	defer cancel()
	_ = w.stream.DeleteConsumer(ctx, info.Name)
}

// entry decodes a message of the bucket's stream as the key-value API does.
func (w *kvWatch) entry(m jetstream.Msg) (*kvEntry, error) {
	meta, err := m.Metadata()
	if err != nil {
		return nil, err
	}
	return &kvEntry{
		bucket:   w.bucket,
		key:      strings.TrimPrefix(m.Subject(), w.prefix),
		value:    m.Data(),
		revision: meta.Sequence.Stream,
		created:  meta.Timestamp,
		delta:    meta.NumPending,
		op:       entryOp(m.Headers()),
	}, nil
}

// entryOp returns what a message of a bucket's stream does to its key: a
// delete or purge by a client (the KV-Operation header), the server's
// marker of an entry that expired or was removed (Nats-Marker-Reason), or
// else a put.
func entryOp(h nats.Header) jetstream.KeyValueOp {
	switch h.Get("KV-Operation") {
	case "DEL":
		return jetstream.KeyValueDelete
	case "PURGE":
		return jetstream.KeyValuePurge
	}
	switch h.Get(jetstream.MarkerReasonHeader) {
	case "MaxAge", "Purge":
		return jetstream.KeyValuePurge
	case "Remove":
		return jetstream.KeyValueDelete
	}
	return jetstream.KeyValuePut
}

// kvEntry is a bucket's entry as a watch reads it.
type kvEntry struct {
	bucket, key string
	value       []byte
	revision    uint64
	created     time.Time
	delta       uint64
	op          jetstream.KeyValueOp
}

var _ jetstream.KeyValueEntry = (*kvEntry)(nil)

func (e *kvEntry) Bucket() string                  { return e.bucket }
func (e *kvEntry) Key() string                     { return e.key }
func (e *kvEntry) Value() []byte                   { return e.value }
func (e *kvEntry) Revision() uint64                { return e.revision }
func (e *kvEntry) Created() time.Time              { return e.created }
func (e *kvEntry) Delta() uint64                   { return e.delta }
func (e *kvEntry) Operation() jetstream.KeyValueOp { return e.op }
