package netem

import (
	"io"
	"net"
	"runtime"
	"sync"
	"testing"
	"time"
)

// testRTT is the round-trip time between places "a" and "db" in tests.
const testRTT = 40 * time.Millisecond

// testNet returns a Net where "a" is testRTT from "db".
func testNet(t *testing.T) *Net {
	t.Helper()
	n, err := New(map[[2]string]time.Duration{{"a", "db"}: testRTT})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// startEcho serves TCP echo on l until the test ends: each connection gets
// back what it sends until it closes.
func startEcho(t *testing.T, l net.Listener) string {
	t.Helper()
	return serve(t, l, func(c net.Conn) { io.Copy(c, c) })
}

// serve runs handle on each connection accepted by l, in its own
// goroutine, and closes the connection after it. When the test ends it
// closes l and every open connection and waits for the handlers. It
// returns l's address.
func serve(t *testing.T, l net.Listener, handle func(net.Conn)) string {
	t.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns = map[net.Conn]bool{}
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				handle(c)
				c.Close()
				mu.Lock()
				delete(conns, c)
				mu.Unlock()
			}()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return l.Addr().String()
}

// listen returns a loopback listener bound to no place.
func listen(t *testing.T) net.Listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// dial dials addr with dial and closes the connection when the test ends.
func dial(t *testing.T, dial func(string) (net.Conn, error), addr string) net.Conn {
	t.Helper()
	c, err := dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// roundTrip sends a message to an echo server on c, reads it back and
// returns how long that took.
func roundTrip(t *testing.T, c net.Conn) time.Duration {
	t.Helper()
	msg := []byte("ping\n")
	start := time.Now()
	if _, err := c.Write(msg); err != nil {
		t.Fatalf("writing: %v", err)
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatalf("reading the echo: %v", err)
	}
	elapsed := time.Since(start)
	if string(got) != string(msg) {
		t.Fatalf("echo = %q, want %q", got, msg)
	}
	return elapsed
}

// fastest returns the shortest of n round trips on c: noise on a busy
// machine only ever adds time, so the minimum is the emulated delay plus
// the machine's own, with little noise.
func fastest(t *testing.T, c net.Conn, n int) time.Duration {
	t.Helper()
	best := time.Duration(1<<63 - 1)
	for range n {
		best = min(best, roundTrip(t, c))
	}
	return best
}

// waitGoroutines polls until at most want goroutines run, and fails the
// test if they are still more after a few seconds.
func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("%d goroutines are running, want at most %d:\n%s", runtime.NumGoroutine(), want, buf)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
