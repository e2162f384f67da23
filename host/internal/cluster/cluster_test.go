package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestThreeNodes runs one cluster of three embedded servers routed to each
// other on loopback, and walks it through deploys, rollbacks, a lost race,
// membership and the loss of one node, then two.
func TestThreeNodes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	opts := clusterOptions(t, 3)
	var nodes []*Control
	for i := range opts {
		opts[i].MemberTTL = 2 * time.Second
		nodes = append(nodes, start(t, opts[i]))
	}
	n1, n2, n3 := nodes[0], nodes[1], nodes[2]
	for _, c := range nodes {
		ready(t, c)
	}
	watch1, watch2, watch3 := watchProjects(t, n1), watchProjects(t, n2), watchProjects(t, n3)

	bundle := randomBytes(t, 2<<20+12345)
	t.Run("a bundle put on one node reads back identical on another", func(t *testing.T) {
		if err := n1.PutBundle(ctx, "big", bytes.NewReader(bundle)); err != nil {
			t.Fatal(err)
		}
		if got := readBundleEventually(t, n3, "big"); !bytes.Equal(got, bundle) {
			t.Fatalf("node3 reads a bundle that differs from the %d bytes put on node1", len(bundle))
		}
		// Putting it again is a no-op that succeeds.
		if err := n2.PutBundle(ctx, "big", bytes.NewReader(bundle)); err != nil {
			t.Fatalf("putting the bundle again: %v", err)
		}
	})

	t.Run("an activation on one node reaches the others' watches", func(t *testing.T) {
		d := Deployment{ID: "blog-1", Size: 42, Source: "deploy from test"}
		p, err := n1.Activate(ctx, "blog", d, 0)
		if err != nil {
			t.Fatal(err)
		}
		if p.Active.ID != d.ID || len(p.History) != 1 || p.Revision == 0 {
			t.Fatalf("Activate returned %+v", p)
		}
		for _, w := range []*projectLog{watch2, watch3} {
			got := w.waitActive(t, "blog", "blog-1")
			if got.Active.Size != 42 || got.Active.Source != "deploy from test" || got.Revision != p.Revision {
				t.Errorf("watch reports %+v, want %+v", got, p)
			}
		}
	})

	ids := make([]string, 12)
	t.Run("the history keeps the last ten and the bundles of older ones go", func(t *testing.T) {
		var rev uint64
		for i := range ids {
			ids[i] = fmt.Sprintf("shop-%02d", i+1)
			if err := n1.PutBundle(ctx, ids[i], strings.NewReader("bundle "+ids[i])); err != nil {
				t.Fatal(err)
			}
			p, err := nodes[i%3].Activate(ctx, "shop", Deployment{ID: ids[i]}, rev)
			if err != nil {
				t.Fatalf("activating %s: %v", ids[i], err)
			}
			rev = p.Revision
		}
		p, err := n2.Project(ctx, "shop")
		if err != nil {
			t.Fatal(err)
		}
		want := slices.Clone(ids[2:])
		slices.Reverse(want)
		if got := deploymentIDs(p.History); !slices.Equal(got, want) {
			t.Fatalf("history %v, want %v", got, want)
		}
		if p.Active.ID != "shop-12" {
			t.Fatalf("active %s, want shop-12", p.Active.ID)
		}
		for _, id := range ids[:2] {
			if _, err := readBundle(ctx, n3, id); !errors.Is(err, ErrNotFound) {
				t.Errorf("bundle %s, out of the history: got %v, want ErrNotFound", id, err)
			}
		}
		if got := readBundleEventually(t, n3, "shop-03"); string(got) != "bundle shop-03" {
			t.Errorf("bundle shop-03, still in the history: got %q", got)
		}
		watch3.waitActive(t, "shop", "shop-12")
	})

	t.Run("a rollback moves the older deployment first", func(t *testing.T) {
		cur, err := n3.Project(ctx, "shop")
		if err != nil {
			t.Fatal(err)
		}
		p, err := n3.Activate(ctx, "shop", Deployment{ID: "shop-05", Source: "rollback to shop-05"}, cur.Revision)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"shop-05", "shop-12", "shop-11", "shop-10", "shop-09", "shop-08", "shop-07", "shop-06", "shop-04", "shop-03"}
		if got := deploymentIDs(p.History); !slices.Equal(got, want) {
			t.Fatalf("history %v, want %v", got, want)
		}
		if p.Active.Source != "rollback to shop-05" || p.Active.Created.IsZero() {
			t.Errorf("active %+v: want the rollback's source and the deployment's original creation time", p.Active)
		}
		got := watch2.waitActive(t, "shop", "shop-05")
		if !slices.Equal(deploymentIDs(got.History), want) {
			t.Errorf("node2's watch reports history %v, want %v", deploymentIDs(got.History), want)
		}
		if got := readBundleEventually(t, n1, "shop-03"); string(got) != "bundle shop-03" {
			t.Errorf("bundle shop-03, still in the history: got %q", got)
		}
	})

	t.Run("of two activations racing on one revision exactly one wins", func(t *testing.T) {
		cur, err := n1.Project(ctx, "blog")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, c := range []*Control{n1, n2} {
			wg.Go(func() {
				_, errs[i] = c.Activate(ctx, "blog", Deployment{ID: fmt.Sprintf("blog-race-%d", i+1)}, cur.Revision)
			})
		}
		wg.Wait()
		winner, loser := -1, -1
		for i, err := range errs {
			switch {
			case err == nil:
				winner = i
			case errors.Is(err, ErrConflict):
				loser = i
			default:
				t.Fatalf("node%d: %v", i+1, err)
			}
		}
		if winner < 0 || loser < 0 {
			t.Fatalf("want one success and one conflict, got %v", errs)
		}
		winID := fmt.Sprintf("blog-race-%d", winner+1)
		if !strings.Contains(errs[loser].Error(), winID) {
			t.Errorf("the loser's error %q does not name the winner %s", errs[loser], winID)
		}
		p, err := n3.Project(ctx, "blog")
		if err != nil {
			t.Fatal(err)
		}
		if p.Active.ID != winID {
			t.Errorf("active %s, want the winner %s", p.Active.ID, winID)
		}
	})

	t.Run("members come and go", func(t *testing.T) {
		members := watchMembers(t, n1)
		for i, c := range nodes {
			heartbeat(t, c, Member{
				ClusterURL: fmt.Sprintf("https://node%d.test:8443", i+1),
				Started:    time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC),
				Ready:      map[string]string{"blog": "blog-1"},
			})
		}
		members.waitNodes(t, 20*time.Second, "node1", "node2", "node3")
		for _, c := range nodes {
			ms, err := c.Members(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := nodeNames(ms); !slices.Equal(got, []string{"node1", "node2", "node3"}) {
				t.Fatalf("%s lists members %v", c.node, got)
			}
			for i, m := range ms {
				if m.Region != fmt.Sprintf("region-%d", i+1) || m.ClusterURL != fmt.Sprintf("https://node%d.test:8443", i+1) ||
					m.Ready["blog"] != "blog-1" || m.Updated.IsZero() {
					t.Errorf("%s lists %+v", c.node, m)
				}
			}
		}
		// node3 goes away and stops announcing: after the TTL it is gone.
		n3.Close()
		members.waitNodes(t, 20*time.Second, "node1", "node2")
		eventually(t, 20*time.Second, func() error {
			ms, err := n2.Members(ctx)
			if err != nil {
				return err
			}
			if got := nodeNames(ms); !slices.Equal(got, []string{"node1", "node2"}) {
				return fmt.Errorf("node2 lists members %v", got)
			}
			return nil
		})
	})

	t.Run("two of three nodes keep the control plane up", func(t *testing.T) {
		n3.Close() // closed above already; Close is idempotent
		activateEventually(t, n2, "blog", "blog-2")
		watch2.waitActive(t, "blog", "blog-2")
		if got := readBundleEventually(t, n1, "big"); !bytes.Equal(got, bundle) {
			t.Fatal("node1 reads a different bundle with node3 down")
		}
		if err := n1.PutBundle(ctx, "after", strings.NewReader("put with node3 down")); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("one of three nodes fails fast and says so", func(t *testing.T) {
		cur, err := n1.Project(ctx, "blog")
		if err != nil {
			t.Fatal(err)
		}
		n2.Close()
		// Writes need a quorum; reads may still be answered by a leader that
		// has not yet seen it lost its quorum.
		writes := map[string]func() error{
			"Activate": func() error {
				_, err := n1.Activate(ctx, "blog", Deployment{ID: "blog-3"}, cur.Revision)
				return err
			},
			"PutBundle": func() error { return n1.PutBundle(ctx, "lonely", strings.NewReader("no quorum")) },
			"Announce":  func() error { return n1.Announce(ctx, Member{}) },
		}
		reads := map[string]func() error{
			"GetBundle": func() error { _, err := readBundle(ctx, n1, "big"); return err },
			"Members":   func() error { _, err := n1.Members(ctx); return err },
			"Projects":  func() error { _, err := n1.Projects(ctx); return err },
		}
		all := maps.Clone(writes)
		maps.Copy(all, reads)
		for name, err := range outcomes(t, n1, all) {
			if _, write := writes[name]; write || err != nil {
				t.Run(name, func(t *testing.T) { wantUnavailable(t, err) })
			}
		}
	})

	t.Run("a node that comes back restores the quorum and watches resume", func(t *testing.T) {
		n2 := start(t, opts[1]) // the same name, store and route port
		activateEventually(t, n2, "blog", "blog-4")
		watch1.waitActive(t, "blog", "blog-4")
		// Each bucket elects its leader on its own: the bundles may take a
		// moment longer.
		if got := readBundleEventually(t, n2, "big"); !bytes.Equal(got, bundle) {
			t.Fatal("the restarted node reads a different bundle")
		}
	})
}

// activateEventually makes id the project's active deployment through c,
// retrying while the cluster elects new leaders.
func activateEventually(t *testing.T, c *Control, name, id string) {
	t.Helper()
	ctx := context.Background()
	eventually(t, 30*time.Second, func() error {
		cur, err := c.Project(ctx, name)
		switch {
		case errors.Is(err, ErrNotFound):
			cur = &Project{}
		case err != nil:
			return err
		case cur.Active.ID == id:
			return nil
		}
		_, err = c.Activate(ctx, name, Deployment{ID: id}, cur.Revision)
		return err
	})
}

// wantUnavailable fails the test unless err wraps ErrUnavailable and says
// what to check.
func wantUnavailable(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("got %v, want ErrUnavailable", err)
		return
	}
	if msg := err.Error(); !strings.Contains(msg, "the control plane (NATS JetStream) is unreachable") || !strings.Contains(msg, "check") {
		t.Errorf("error %q does not say what is wrong and what to check", msg)
	}
}

// deploymentIDs returns the deployments' ids.
func deploymentIDs(ds []Deployment) []string {
	var ids []string
	for _, d := range ds {
		ids = append(ids, d.ID)
	}
	return ids
}
