package cluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// testSecret is the cluster secret of the test clusters.
var testSecret = []byte("a test cluster secret, 32 bytes!")

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// testLogger logs to the test's output when WASMPAGES_TEST_LOG is set.
func testLogger(t *testing.T) *slog.Logger {
	if os.Getenv("WASMPAGES_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// clusterOptions returns the options of n nodes routed to each other on
// loopback, each with its own store directory.
func clusterOptions(t *testing.T, n int) []Options {
	t.Helper()
	ports := make([]int, n)
	for i := range ports {
		ports[i] = freePort(t)
	}
	opts := make([]Options, n)
	for i := range opts {
		var routes []string
		for j, p := range ports {
			if j != i {
				routes = append(routes, "nats://127.0.0.1:"+strconv.Itoa(p))
			}
		}
		opts[i] = Options{
			Node:          fmt.Sprintf("node%d", i+1),
			Region:        fmt.Sprintf("region-%d", i+1),
			Listen:        "127.0.0.1:0",
			ClusterListen: "127.0.0.1:" + strconv.Itoa(ports[i]),
			Routes:        routes,
			StoreDir:      t.TempDir(),
			Secret:        testSecret,
			Logger:        testLogger(t),
		}
	}
	return opts
}

// start starts a Control and closes it at the end of the test.
func start(t *testing.T, opts Options) *Control {
	t.Helper()
	c, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("Start(%s): %v", opts.Node, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// eventually polls cond until it returns nil, failing the test with cond's
// last error after the deadline.
func eventually(t *testing.T, within time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still failing after %s: %v", within, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ready waits until c's control plane answers: its JetStream cluster has
// formed, the three buckets exist and have leaders.
func ready(t *testing.T, c *Control) {
	t.Helper()
	ctx := context.Background()
	eventually(t, 30*time.Second, func() error {
		if _, err := c.Projects(ctx); err != nil {
			return err
		}
		if _, err := c.Members(ctx); err != nil {
			return err
		}
		if _, err := c.GetBundle(ctx, "ready-check"); !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("want ErrNotFound, got %w", err)
		}
		return nil
	})
}

// projectLog records what WatchProjects reports.
type projectLog struct {
	mu     sync.Mutex
	latest map[string]*Project
	calls  int
}

// watchProjects runs c.WatchProjects until the end of the test.
func watchProjects(t *testing.T, c *Control) *projectLog {
	l := &projectLog{latest: map[string]*Project{}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.WatchProjects(ctx, func(p *Project) {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.latest[p.Name] = p
			l.calls++
		})
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return l
}

// waitActive waits until the watch has reported id as the active
// deployment of project name.
func (l *projectLog) waitActive(t *testing.T, name, id string) *Project {
	t.Helper()
	var p *Project
	eventually(t, 20*time.Second, func() error {
		l.mu.Lock()
		defer l.mu.Unlock()
		p = l.latest[name]
		if p == nil || p.Active.ID != id {
			return fmt.Errorf("watch reports project %q as %+v, want active %s", name, p, id)
		}
		return nil
	})
	return p
}

// memberLog records what WatchMembers reports.
type memberLog struct {
	mu   sync.Mutex
	sets [][]Member
}

// watchMembers runs c.WatchMembers until the end of the test.
func watchMembers(t *testing.T, c *Control) *memberLog {
	l := &memberLog{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.WatchMembers(ctx, func(ms []Member) {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.sets = append(l.sets, ms)
		})
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return l
}

// waitNodes waits until the watch's latest report is exactly nodes.
func (l *memberLog) waitNodes(t *testing.T, within time.Duration, nodes ...string) {
	t.Helper()
	eventually(t, within, func() error {
		l.mu.Lock()
		defer l.mu.Unlock()
		if len(l.sets) == 0 {
			return errors.New("no report yet")
		}
		if got := nodeNames(l.sets[len(l.sets)-1]); !slices.Equal(got, nodes) {
			return fmt.Errorf("watch reports members %v, want %v", got, nodes)
		}
		return nil
	})
}

// sawNodes waits until some report of the watch was exactly nodes: a
// state that may already have passed (a member that expires) still counts.
func (l *memberLog) sawNodes(t *testing.T, within time.Duration, nodes ...string) {
	t.Helper()
	eventually(t, within, func() error {
		l.mu.Lock()
		defer l.mu.Unlock()
		for _, set := range l.sets {
			if slices.Equal(nodeNames(set), nodes) {
				return nil
			}
		}
		return fmt.Errorf("no report of members %v among %d", nodes, len(l.sets))
	})
}

// nodeNames returns the members' node names.
func nodeNames(ms []Member) []string {
	names := []string{}
	for _, m := range ms {
		names = append(names, m.Node)
	}
	return names
}

// heartbeat runs c.Heartbeat for m until the end of the test or until the
// returned function is called.
func heartbeat(t *testing.T, c *Control, m Member) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Heartbeat(ctx, func() Member { return m })
	}()
	stop = func() {
		cancel()
		<-done
	}
	t.Cleanup(stop)
	return stop
}

// returns runs f and fails the test if it has not returned after a bound
// far above the Control's timeout: f must not hang.
func returns[T any](t *testing.T, c *Control, f func() (T, error)) (T, error) {
	t.Helper()
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-time.After(hangBound(c)):
		t.Fatalf("operation hangs: no answer long after the %s timeout", c.timeout)
		panic("unreachable")
	}
}

// outcomes runs ops at once and returns their errors; it fails the test if
// any has not returned after a bound far above the Control's timeout.
func outcomes(t *testing.T, c *Control, ops map[string]func() error) map[string]error {
	t.Helper()
	type result struct {
		name string
		err  error
	}
	ch := make(chan result, len(ops))
	for name, op := range ops {
		go func() { ch <- result{name, op()} }()
	}
	errs := map[string]error{}
	hang := time.After(hangBound(c))
	for range ops {
		select {
		case r := <-ch:
			errs[r.name] = r.err
		case <-hang:
			t.Fatalf("operations hang: no answer long after the %s timeout", c.timeout)
		}
	}
	return errs
}

// hangBound is how long an operation of c may take before a test calls it
// hung: far above its timeout, so that a loaded machine does not trip it.
func hangBound(c *Control) time.Duration { return 10*c.timeout + 10*time.Second }

// randomBytes returns n random bytes.
func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// available runs f again while it fails with ErrUnavailable: right after a
// (re)start, or on a loaded machine, the control plane may take longer than
// the timeout to answer. Any other error fails the test.
func available(t *testing.T, f func() error) {
	t.Helper()
	eventually(t, 30*time.Second, func() error {
		err := f()
		if err != nil && !errors.Is(err, ErrUnavailable) {
			t.Fatal(err)
		}
		return err
	})
}

// readBundleEventually reads the whole bundle id through c, again while
// the control plane is unavailable.
func readBundleEventually(t *testing.T, c *Control, id string) []byte {
	t.Helper()
	var b []byte
	available(t, func() error {
		var err error
		b, err = readBundle(context.Background(), c, id)
		return err
	})
	return b
}

// readBundle reads the whole bundle id through c.
func readBundle(ctx context.Context, c *Control, id string) ([]byte, error) {
	r, err := c.GetBundle(ctx, id)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}
