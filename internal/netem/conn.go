package netem

import (
	"net"
	"os"
	"time"
)

// readBuffer is the size of the reads from and writes to the real
// connection.
const readBuffer = 32 << 10

// A conn is a connection whose bytes arrive, in both directions, half a
// round trip after they were sent. It wraps the dialing side of a real
// connection: Write queues bytes on out, which a goroutine writes to the
// real connection when due; a second goroutine reads the real connection
// into in, which Read drains when due. Both goroutines end when the conn is
// closed.
type conn struct {
	raw     net.Conn
	oneWay  func() time.Duration // the current one-way delay
	in, out *link
}

var _ net.Conn = (*conn)(nil)

// newConn wraps raw, delaying each byte by oneWay() as it is sent, and
// starts its goroutines.
func newConn(raw net.Conn, oneWay func() time.Duration) *conn {
	c := &conn{raw: raw, oneWay: oneWay, in: newLink(), out: newLink()}
	go c.readLoop()
	go c.writeLoop()
	return c
}

// readLoop reads the real connection into c.in, each chunk due half a
// round trip after it was read, and queues the error that ends the stream
// the same way.
func (c *conn) readLoop() {
	buf := make([]byte, readBuffer)
	for {
		n, err := c.raw.Read(buf)
		if n > 0 {
			if _, perr := c.in.put(buf[:n], c.oneWay, false); perr != nil {
				return
			}
		}
		if err != nil {
			c.in.end(err, time.Now().Add(c.oneWay()))
			return
		}
	}
}

// writeLoop writes the bytes of c.out to the real connection when they are
// due. A write error fails c.out, so later Writes return it.
func (c *conn) writeLoop() {
	buf := make([]byte, readBuffer)
	for {
		n, err := c.out.take(buf, false)
		if err != nil {
			return
		}
		if _, err := c.raw.Write(buf[:n]); err != nil {
			c.out.fail(err)
			return
		}
	}
}

// Read reads bytes that have arrived, waiting until some have or the read
// deadline passes.
func (c *conn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := c.in.take(p, true)
	return n, c.opError("read", err)
}

// Write queues p to be delivered half a round trip from now and returns.
// It waits only while the bytes in flight are at their bound.
func (c *conn) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := c.out.put(p, c.oneWay, true)
	return n, c.opError("write", err)
}

// Close closes the real connection, drops the bytes not yet delivered and
// makes waiting and later calls return net.ErrClosed.
func (c *conn) Close() error {
	c.in.close()
	c.out.close()
	return c.raw.Close()
}

func (c *conn) LocalAddr() net.Addr  { return c.raw.LocalAddr() }
func (c *conn) RemoteAddr() net.Addr { return c.raw.RemoteAddr() }

func (c *conn) SetDeadline(t time.Time) error {
	if !c.in.setDeadline(t) || !c.out.setDeadline(t) {
		return c.opError("set", errClosed)
	}
	return nil
}

func (c *conn) SetReadDeadline(t time.Time) error {
	if !c.in.setDeadline(t) {
		return c.opError("set", errClosed)
	}
	return nil
}

func (c *conn) SetWriteDeadline(t time.Time) error {
	if !c.out.setDeadline(t) {
		return c.opError("set", errClosed)
	}
	return nil
}

// opError turns the link's errors into those a TCP connection returns:
// a *net.OpError wrapping net.ErrClosed or os.ErrDeadlineExceeded. Errors of
// the real connection pass unchanged.
func (c *conn) opError(op string, err error) error {
	switch err {
	case errClosed:
		err = net.ErrClosed
	case errTimeout:
		err = os.ErrDeadlineExceeded
	default:
		return err
	}
	return &net.OpError{Op: op, Net: "tcp", Source: c.raw.LocalAddr(), Addr: c.raw.RemoteAddr(), Err: err}
}
