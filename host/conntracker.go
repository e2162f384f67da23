package host

import (
	"net"
	"sync"
)

// connTracker is a listener that remembers the connections it accepted,
// so that kill can close them all at once, as a crashed process's would
// be.
type connTracker struct {
	net.Listener
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	killed bool
}

func newConnTracker(ln net.Listener) *connTracker {
	return &connTracker{Listener: ln, conns: map[net.Conn]struct{}{}}
}

func (t *connTracker) Accept() (net.Conn, error) {
	c, err := t.Listener.Accept()
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.killed {
		c.Close()
		return nil, net.ErrClosed
	}
	tc := &trackedConn{Conn: c, t: t}
	t.conns[tc] = struct{}{}
	return tc, nil
}

// kill closes the listener and every connection it accepted.
func (t *connTracker) kill() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.killed = true
	t.Listener.Close()
	for c := range t.conns {
		c.(*trackedConn).Conn.Close()
	}
	clear(t.conns)
}

type trackedConn struct {
	net.Conn
	t    *connTracker
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.t.mu.Lock()
		delete(c.t.conns, c)
		c.t.mu.Unlock()
	})
	return c.Conn.Close()
}
