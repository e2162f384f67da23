// Package devtest runs `wasmpages dev` servers for tests, on loopback ports.
package devtest

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wasmpages/wasmpages/host"
	"github.com/wasmpages/wasmpages/internal/testguest"
)

// Dev is a `wasmpages dev` server started by a test on a loopback port.
type Dev struct {
	URL  string
	out  *SyncBuffer
	done chan error
}

// Listen returns a listener on a free loopback port.
func Listen(tb testing.TB) net.Listener {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	return ln
}

// StartDev serves the project in dir until the test ends. opts.Dir, Out,
// and unless set Listener and DataDir, are filled in.
func StartDev(tb testing.TB, dir string, opts host.DevOptions) *Dev {
	tb.Helper()
	if opts.Listener == nil {
		opts.Listener = Listen(tb)
	}
	ln := opts.Listener
	opts.Dir, opts.Out = dir, &SyncBuffer{}
	if opts.DataDir == "" {
		opts.DataDir = testguest.SharedDataDir()
	}
	d := &Dev{URL: "http://" + ln.Addr().String(), out: opts.Out.(*SyncBuffer), done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { d.done <- host.Dev(ctx, opts) }()
	tb.Cleanup(func() {
		cancel()
		<-d.done
		if tb.Failed() {
			tb.Logf("dev output:\n%s", d.Output())
		}
	})
	// The listener queues connections until Dev has built and loaded, so the
	// first request simply waits; a start-up error ends Dev instead.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		select {
		case err := <-d.done:
			d.done <- err
			tb.Fatalf("dev stopped: %v\n%s", err, d.Output())
		default:
		}
		if strings.Contains(d.Output(), "serving ") {
			return d
		}
		if time.Now().After(deadline) {
			tb.Fatalf("dev did not start:\n%s", d.Output())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Output returns what dev has printed so far.
func (d *Dev) Output() string { return d.out.String() }

// Get requests a path and returns the response and its body.
func (d *Dev) Get(tb testing.TB, path string) (*http.Response, string) {
	tb.Helper()
	resp, err := http.Get(d.URL + path)
	if err != nil {
		tb.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("GET %s: %v", path, err)
	}
	return resp, string(b)
}

// SyncBuffer collects what servers started by a test print, from any
// goroutine.
type SyncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
