package netem

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"
)

// dialDB returns a connection from "a" to a server at "db" that runs
// handle on its side.
func dialDB(t *testing.T, n *Net, handle func(net.Conn)) net.Conn {
	t.Helper()
	l, err := n.Listen("db")
	if err != nil {
		t.Fatal(err)
	}
	return dial(t, n.Dial("a"), serve(t, l, handle))
}

// silent is a server that reads and discards nothing and never writes: it
// waits until its connection is closed.
func silent(c net.Conn) { io.Copy(io.Discard, c) }

// dialStalled returns a connection from "a" to a server at "db" that
// neither reads nor writes until the test ends.
func dialStalled(t *testing.T, n *Net) net.Conn {
	t.Helper()
	stop := make(chan struct{})
	c := dialDB(t, n, func(c net.Conn) {
		<-stop
		silent(c)
	})
	t.Cleanup(func() { close(stop) }) // runs before the server's cleanup
	return c
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) && errors.As(err, &ne) && ne.Timeout()
}

func TestReadDeadline(t *testing.T) {
	n := testNet(t)
	n.SetRTT("a", "db", 200*time.Millisecond)
	c := dialDB(t, n, func(c net.Conn) { io.Copy(c, c) })

	// Data is on its way but not due: Read times out at the deadline.
	if _, err := c.Write([]byte("late")); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	buf := make([]byte, 16)
	if n, err := c.Read(buf); !isTimeout(err) {
		t.Fatalf("Read = %d, %v; want a timeout (os.ErrDeadlineExceeded)", n, err)
	}
	// A deadline in the past fails at once; clearing it lets the data in,
	// none of it lost.
	if _, err := c.Read(buf); !isTimeout(err) {
		t.Fatalf("Read after the deadline = %v, want a timeout", err)
	}
	c.SetReadDeadline(time.Time{})
	if _, err := io.ReadFull(c, buf[:4]); err != nil || string(buf[:4]) != "late" {
		t.Fatalf("Read without deadline = %q, %v; want late", buf[:4], err)
	}
}

func TestDeadlineMovedWhileBlocked(t *testing.T) {
	c := dialDB(t, testNet(t), silent)
	c.SetReadDeadline(time.Now().Add(time.Hour))
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 1))
		done <- err
	}()
	// The blocked Read returns once the deadline is moved to the past;
	// repeat in case it was not blocked yet.
	for {
		c.SetReadDeadline(time.Now())
		select {
		case err := <-done:
			if !isTimeout(err) {
				t.Fatalf("Read = %v, want a timeout", err)
			}
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func TestWriteDeadline(t *testing.T) {
	t.Run("past", func(t *testing.T) {
		c := dialDB(t, testNet(t), silent)
		c.SetWriteDeadline(time.Now().Add(-time.Second))
		if n, err := c.Write([]byte("x")); n != 0 || !isTimeout(err) {
			t.Fatalf("Write = %d, %v; want 0 and a timeout", n, err)
		}
		c.SetDeadline(time.Time{})
		if _, err := c.Write([]byte("x")); err != nil {
			t.Fatalf("Write after clearing the deadline: %v", err)
		}
	})
	t.Run("link full", func(t *testing.T) {
		// The server reads nothing: once the kernel's buffers and the
		// link are full, Write waits, until its deadline.
		c := dialStalled(t, testNet(t))
		big := make([]byte, 64<<20)
		c.SetWriteDeadline(time.Now().Add(300 * time.Millisecond))
		n, err := c.Write(big)
		if !isTimeout(err) {
			t.Fatalf("Write = %d, %v; want a timeout", n, err)
		}
		if n < maxQueued || n >= len(big) {
			t.Errorf("Write queued %d bytes, want at least %d and less than all %d", n, maxQueued, len(big))
		}
	})
}

func TestCloseUnblocks(t *testing.T) {
	tests := []struct {
		name string
		dial func(*testing.T, *Net) net.Conn
		call func(net.Conn) error
	}{
		{
			name: "read",
			dial: func(t *testing.T, n *Net) net.Conn { return dialDB(t, n, silent) },
			call: func(c net.Conn) error { _, err := c.Read(make([]byte, 1)); return err },
		},
		{
			name: "write on a full link",
			dial: dialStalled,
			call: func(c net.Conn) error { _, err := c.Write(make([]byte, 64<<20)); return err },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.dial(t, testNet(t))
			done := make(chan error, 1)
			go func() { done <- tt.call(c) }()
			select {
			case err := <-done:
				t.Fatalf("returned %v before Close", err)
			case <-time.After(3 * testRTT):
			}
			if err := c.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			if err := <-done; !errors.Is(err, net.ErrClosed) {
				t.Errorf("after Close: %v, want net.ErrClosed", err)
			}
			if _, err := c.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
				t.Errorf("Read after Close: %v, want net.ErrClosed", err)
			}
			if _, err := c.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
				t.Errorf("Write after Close: %v, want net.ErrClosed", err)
			}
			if err := c.SetDeadline(time.Now()); !errors.Is(err, net.ErrClosed) {
				t.Errorf("SetDeadline after Close: %v, want net.ErrClosed", err)
			}
			if err := c.Close(); err == nil {
				t.Error("second Close succeeded")
			}
		})
	}
}

func TestPeerCloseAfterData(t *testing.T) {
	// The server's EOF arrives after the data it sent before closing.
	c := dialDB(t, testNet(t), func(c net.Conn) { io.WriteString(c, "bye") })
	got, err := io.ReadAll(c)
	if err != nil || string(got) != "bye" {
		t.Fatalf("ReadAll = %q, %v; want bye and EOF", got, err)
	}
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("Read after EOF = %v, want io.EOF again", err)
	}
}

func TestWriteError(t *testing.T) {
	// A write that fails on the real connection (the server reset it) is
	// returned by a later Write.
	c := dialDB(t, testNet(t), func(c net.Conn) {
		c.Read(make([]byte, 1))
		c.(*net.TCPConn).SetLinger(0)
	})
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := c.Write([]byte("are you there?"))
		if err != nil {
			if errors.Is(err, net.ErrClosed) || isTimeout(err) {
				t.Fatalf("Write = %v, want the real connection's error", err)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("writes to a closed peer keep succeeding")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestLargeTransfer(t *testing.T) {
	n := testNet(t)
	n.SetRTT("a", "db", 10*time.Millisecond)
	c := dialDB(t, n, func(c net.Conn) { io.Copy(c, c) })

	sent := make([]byte, 16<<20)
	rand.Read(sent)
	errc := make(chan error, 1)
	go func() {
		// Uneven writes, to cross chunk boundaries.
		var err error
		for p, k := sent, 1; len(p) > 0 && err == nil; k = k*7%(1<<20) + 1 {
			k = min(k, len(p))
			_, err = c.Write(p[:k])
			p = p[k:]
		}
		errc <- err
	}()
	got := make([]byte, len(sent))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("reading the echo: %v", err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("writing: %v", err)
	}
	if !bytes.Equal(got, sent) {
		i := 0
		for got[i] == sent[i] {
			i++
		}
		t.Fatalf("16 MiB came back different from byte %d on", i)
	}
}

func TestConcurrentWriters(t *testing.T) {
	// Each Write arrives whole and in order with the other writes of its
	// goroutine.
	c := dialDB(t, testNet(t), func(c net.Conn) { io.Copy(c, c) })
	const writers, writes = 8, 50
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range writes {
				if _, err := fmt.Fprintf(c, "%d:%03d;", w, i); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	got := make([]byte, writers*writes*len("0:000;"))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	next := make([]int, writers)
	for _, msg := range bytes.Split(bytes.TrimSuffix(got, []byte(";")), []byte(";")) {
		var w, i int
		if _, err := fmt.Sscanf(string(msg), "%d:%d", &w, &i); err != nil || w >= writers {
			t.Fatalf("message %q is not one that was written", msg)
		}
		if i != next[w] {
			t.Fatalf("writer %d: message %d arrived when %d was next", w, i, next[w])
		}
		next[w]++
	}
}

func TestNoGoroutineLeaks(t *testing.T) {
	n := testNet(t)
	l, err := n.Listen("db")
	if err != nil {
		t.Fatal(err)
	}
	addr := serve(t, l, func(c net.Conn) { io.Copy(c, c) })
	dial := n.Dial("a")
	before := runtime.NumGoroutine()

	var conns []net.Conn
	for i := range 10 {
		c, err := dial(addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		roundTrip(t, c)
		switch i % 3 {
		case 0: // blocked in Read when closed
			go c.Read(make([]byte, 1))
		case 1: // data in flight when closed
			c.Write([]byte("in flight"))
		}
	}
	for _, c := range conns {
		c.Close()
	}
	waitGoroutines(t, before)
}
