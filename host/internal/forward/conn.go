package forward

import (
	"net"
	"sync/atomic"
)

// conn is a connection to a peer that tells, after a failed exchange,
// whether the connection had carried an exchange before (it was reused from
// the pool) and whether any byte of the response came back. An exchange
// starts with the first write after a read. The client finds the conn of a
// failed exchange through the response's LocalAddr, which fasthttp records
// from the connection before it writes the request.
type conn struct {
	net.Conn
	addr *connAddr

	reading   atomic.Bool  // the last call was a read (or none was made)
	exchanges atomic.Int32 // exchanges started
	received  atomic.Int64 // bytes read in the current exchange
}

// connAddr is a conn's local address, with a way back to the conn.
type connAddr struct {
	net.Addr
	conn *conn
}

func newConn(c net.Conn) *conn {
	tc := &conn{Conn: c}
	tc.addr = &connAddr{Addr: c.LocalAddr(), conn: tc}
	tc.reading.Store(true)
	return tc
}

func (c *conn) LocalAddr() net.Addr { return c.addr }

func (c *conn) Write(b []byte) (int, error) {
	if c.reading.Swap(false) {
		c.exchanges.Add(1)
		c.received.Store(0)
	}
	return c.Conn.Write(b)
}

func (c *conn) Read(b []byte) (int, error) {
	c.reading.Store(true)
	n, err := c.Conn.Read(b)
	c.received.Add(int64(n))
	return n, err
}

// reusedSilent reports whether the conn had carried an exchange before the
// current one and nothing of the current one's response was read.
func (c *conn) reusedSilent() bool {
	return c.exchanges.Load() > 1 && c.received.Load() == 0
}
