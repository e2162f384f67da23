package netem

import (
	"errors"
	"sync"
	"time"
)

// maxQueued bounds the bytes a link holds, so that a writer that outruns
// its reader waits, as it would on a full socket buffer, instead of growing
// the queue without end. At a one-way delay of 100ms it still carries
// 160 MiB/s.
const maxQueued = 16 << 20

var (
	errClosed  = errors.New("netem: link closed")
	errTimeout = errors.New("netem: deadline exceeded")
)

// A link is one direction of an emulated connection: a queue of chunks,
// each delivered whole or in parts no earlier than its due time, in the
// order they were put. A stream of chunks may end with an error that is
// delivered, when due, after the data before it and then to every later
// take. A link is safe for concurrent use.
//
// One side of a link faces the user of the connection and honours the
// link's deadline; the other is a goroutine of the connection, which waits
// without a deadline until the link is closed.
type link struct {
	mu       sync.Mutex
	queue    []chunk
	queued   int           // bytes in queue
	failed   error         // set by fail: put returns it
	closed   bool          // set by close: every call returns errClosed
	deadline time.Time     // of the user's side; zero means none
	changed  chan struct{} // closed and replaced on every change
}

// A chunk is data, or the error that ends the stream (data is then empty),
// and the time it may be delivered.
type chunk struct {
	data []byte
	err  error
	due  time.Time
}

func newLink() *link {
	return &link{changed: make(chan struct{})}
}

// put copies p into the queue, each part due delay() after it was queued.
// It waits while the link holds maxQueued bytes, until there is room, the
// link is closed or failed, or, if deadlined, its deadline passes; it
// returns how much of p it queued.
func (l *link) put(p []byte, delay func() time.Duration, deadlined bool) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for n < len(p) {
		if err := l.check(deadlined); err != nil {
			return n, err
		}
		room := maxQueued - l.queued
		if room <= 0 {
			l.wait(l.until(time.Time{}, deadlined))
			continue
		}
		k := min(room, len(p)-n)
		data := make([]byte, k)
		copy(data, p[n:n+k])
		l.queue = append(l.queue, chunk{data: data, due: time.Now().Add(delay())})
		l.queued += k
		n += k
		l.broadcast()
	}
	return n, nil
}

// end queues err, due at the given time, as the end of the stream.
func (l *link) end(err error, due time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.queue = append(l.queue, chunk{err: err, due: due})
	l.broadcast()
}

// take copies into p the data of the first chunk once it is due, or
// returns the error that ends the stream once that is due. It waits until
// then, or until the link is closed or, if deadlined, its deadline passes.
// p must not be empty.
func (l *link) take(p []byte, deadlined bool) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		if err := l.check(deadlined); err != nil {
			return 0, err
		}
		var due time.Time
		if len(l.queue) > 0 {
			head := &l.queue[0]
			if !time.Now().Before(head.due) {
				if len(head.data) == 0 {
					return 0, head.err
				}
				n := copy(p, head.data)
				head.data = head.data[n:]
				l.queued -= n
				if len(head.data) == 0 {
					l.queue[0] = chunk{}
					l.queue = l.queue[1:]
				}
				l.broadcast()
				return n, nil
			}
			due = head.due
		}
		l.wait(l.until(due, deadlined))
	}
}

// fail makes every later put return err and drops the queue: the bytes
// can no longer be delivered.
func (l *link) fail(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failed = err
	l.queue, l.queued = nil, 0
	l.broadcast()
}

// close makes every call, waiting or later, return errClosed. It reports
// whether the link was open.
func (l *link) close() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.closed = true
	l.queue, l.queued = nil, 0
	l.broadcast()
	return true
}

// setDeadline sets the deadline of the user's side; calls waiting on it
// recompute their wait. It reports false if the link is closed.
func (l *link) setDeadline(t time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	l.deadline = t
	l.broadcast()
	return true
}

// check returns why a call cannot proceed: the link is closed, has failed,
// or its deadline has passed. l.mu is held.
func (l *link) check(deadlined bool) error {
	switch {
	case l.closed:
		return errClosed
	case l.failed != nil:
		return l.failed
	case deadlined && !l.deadline.IsZero() && !time.Now().Before(l.deadline):
		return errTimeout
	}
	return nil
}

// until returns the earlier of t and, if deadlined, the deadline; zero
// times mean none. l.mu is held.
func (l *link) until(t time.Time, deadlined bool) time.Time {
	if deadlined && !l.deadline.IsZero() && (t.IsZero() || l.deadline.Before(t)) {
		return l.deadline
	}
	return t
}

// wait releases l.mu until the link changes or the time t comes (never if
// t is zero), then takes it again. l.mu is held.
func (l *link) wait(t time.Time) {
	changed := l.changed
	l.mu.Unlock()
	defer l.mu.Lock()
	if t.IsZero() {
		<-changed
		return
	}
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-changed:
	case <-timer.C:
	}
}

// broadcast wakes every waiting call. l.mu is held.
func (l *link) broadcast() {
	close(l.changed)
	l.changed = make(chan struct{})
}
