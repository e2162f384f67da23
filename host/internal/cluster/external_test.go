package cluster

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// startNATS runs a standalone NATS server with JetStream on a loopback
// port, with a client token, until it is shut down or the test ends.
func startNATS(t *testing.T, port int, storeDir string) *server.Server {
	t.Helper()
	s, err := server.NewServer(&server.Options{
		ServerName:    "external",
		Host:          "127.0.0.1",
		Port:          port,
		Authorization: "external-token",
		JetStream:     true,
		StoreDir:      storeDir,
		NoLog:         true,
		NoSigs:        true,
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		t.Fatalf("the external NATS server is not ready on port %d", port)
	}
	t.Cleanup(func() {
		s.Shutdown()
		s.WaitForShutdown()
	})
	return s
}

// TestExternalNATS runs two nodes on one external NATS server, which goes
// away and comes back.
func TestExternalNATS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	port, storeDir := freePort(t), t.TempDir()
	url := "nats://external-token@127.0.0.1:" + strconv.Itoa(port)
	external := func(node string) Options {
		return Options{Node: node, Region: "region-" + node, URL: url, Logger: testLogger(t)}
	}

	// a starts before the server: it connects, and its watch starts, when
	// the server is up.
	a := start(t, external("a"))
	if got, want := a.ClientURL(), "nats://127.0.0.1:"+strconv.Itoa(port); got != want {
		t.Errorf("ClientURL() = %q, want %q (no credentials)", got, want)
	}
	watchA := watchProjects(t, a)
	srv := startNATS(t, port, storeDir)
	b := start(t, external("b"))

	t.Run("nodes see each other's activations and bundles", func(t *testing.T) {
		activateEventually(t, b, "site", "site-1")
		watchA.waitActive(t, "site", "site-1")
		activateEventually(t, a, "site", "site-2")
		p, err := b.Project(ctx, "site")
		if err != nil {
			t.Fatal(err)
		}
		if got := deploymentIDs(p.History); !slices.Equal(got, []string{"site-2", "site-1"}) {
			t.Errorf("history %v, want [site-2 site-1]", got)
		}
		available(t, func() error { return b.PutBundle(ctx, "site-2", strings.NewReader("bundle of site-2")) })
		if got := readBundleEventually(t, a, "site-2"); string(got) != "bundle of site-2" {
			t.Errorf("bundle read on a: %q", got)
		}
		available(t, func() error { return a.Announce(ctx, Member{ClusterURL: "https://a.test"}) })
		ms, err := b.Members(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 1 || ms[0].Node != "a" || ms[0].Region != "region-a" || ms[0].ClusterURL != "https://a.test" {
			t.Errorf("b lists members %+v", ms)
		}
	})

	t.Run("with the server down operations fail and say so", func(t *testing.T) {
		srv.Shutdown()
		srv.WaitForShutdown()
		for name, err := range outcomes(t, a, map[string]func() error{
			"Activate": func() error {
				_, err := b.Activate(ctx, "site", Deployment{ID: "site-3"}, 1)
				return err
			},
			"Projects":  func() error { _, err := a.Projects(ctx); return err },
			"GetBundle": func() error { _, err := readBundle(ctx, a, "site-2"); return err },
			"Announce":  func() error { return b.Announce(ctx, Member{}) },
		}) {
			t.Run(name, func(t *testing.T) { wantUnavailable(t, err) })
		}
	})

	t.Run("the watch resumes when the server is back", func(t *testing.T) {
		startNATS(t, port, storeDir)
		activateEventually(t, b, "site", "site-3")
		watchA.waitActive(t, "site", "site-3")
		p, err := a.Project(ctx, "site")
		if err != nil {
			t.Fatal(err)
		}
		if got := deploymentIDs(p.History); !slices.Equal(got, []string{"site-3", "site-2", "site-1"}) {
			t.Errorf("history %v, want [site-3 site-2 site-1]: the store survived the restart", got)
		}
		if got := readBundleEventually(t, a, "site-2"); string(got) != "bundle of site-2" {
			t.Errorf("bundle read on a after the restart: %q", got)
		}
	})
}

// TestStartWithUnreachableURL shows that a node starts while the external
// control plane is down, its operations say so, and its watches wait.
func TestStartWithUnreachableURL(t *testing.T) {
	t.Parallel()
	hostPort := "127.0.0.1:" + strconv.Itoa(freePort(t))
	c := start(t, Options{Node: "lonely", URL: "nats://user:hunter2@" + hostPort, Timeout: 300 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.WatchMembers(ctx, func([]Member) { t.Error("no members can be known without the control plane") })
	}()
	for name, err := range outcomes(t, c, map[string]func() error{
		"Project":      func() error { _, err := c.Project(ctx, "site"); return err },
		"Projects":     func() error { _, err := c.Projects(ctx); return err },
		"Activate":     func() error { _, err := c.Activate(ctx, "site", Deployment{ID: "x"}, 0); return err },
		"Announce":     func() error { return c.Announce(ctx, Member{}) },
		"Members":      func() error { _, err := c.Members(ctx); return err },
		"PutBundle":    func() error { return c.PutBundle(ctx, "x", strings.NewReader("x")) },
		"GetBundle":    func() error { _, err := c.GetBundle(ctx, "x"); return err },
		"DeleteBundle": func() error { return c.DeleteBundle(ctx, "x") },
	}) {
		t.Run(name, func(t *testing.T) {
			wantUnavailable(t, err)
			if msg := err.Error(); !strings.Contains(msg, "check that the NATS servers at nats://"+hostPort) || strings.Contains(msg, "hunter2") {
				t.Errorf("error %q should name the URL, without its credentials", msg)
			}
		})
	}
	cancel()
	<-done

	// A caller's own cancellation is not an outage.
	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	_, err := c.Project(cctx, "site")
	if errors.Is(err, ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Errorf("with a cancelled context: got %v, want context.Canceled", err)
	}
}
