package cluster

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestAnnounce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// The TTL is short, so that an entry expires within the test, but not
	// the shortest allowed: a node that heartbeats must stay a member on a
	// loaded machine too.
	c := single(t, func(o *Options) { o.MemberTTL = 2 * time.Second })

	started := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	me := Member{ClusterURL: "https://solo.test:8443", Started: started, Ready: map[string]string{"blog": "b1"}}
	watch := watchMembers(t, c)
	watch.waitNodes(t, 10*time.Second) // the empty set, first

	t.Run("an announcement fills in the node, region and time", func(t *testing.T) {
		before := time.Now()
		if err := c.Announce(ctx, me); err != nil {
			t.Fatal(err)
		}
		ms, err := c.Members(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 1 {
			t.Fatalf("got %+v, want one member", ms)
		}
		m := ms[0]
		if m.Node != "solo" || m.Region != "here" || m.ClusterURL != me.ClusterURL || !m.Started.Equal(started) ||
			m.Ready["blog"] != "b1" || m.Updated.Before(before.Add(-time.Second)) {
			t.Fatalf("got %+v", m)
		}
		watch.waitNodes(t, 10*time.Second, "solo")
	})

	t.Run("another node's entry expires without announcements", func(t *testing.T) {
		stop := heartbeat(t, c, me)
		if err := c.Announce(ctx, Member{Node: "ghost", Region: "far"}); err != nil {
			t.Fatal(err)
		}
		// Both are reported, then ghost expires. The report of both may
		// already have been replaced when the test looks: any report counts.
		watch.sawNodes(t, 10*time.Second, "ghost", "solo")
		watch.waitNodes(t, 10*time.Second, "solo")
		ms, err := c.Members(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := nodeNames(ms); !slices.Equal(got, []string{"solo"}) {
			t.Fatalf("members %v, want [solo]", got)
		}
		stop()
	})

	t.Run("a change is reported, a heartbeat is not", func(t *testing.T) {
		watch.mu.Lock()
		n := len(watch.sets)
		watch.mu.Unlock()
		for range 3 {
			if err := c.Announce(ctx, me); err != nil {
				t.Fatal(err)
			}
		}
		changed := me
		changed.Ready = map[string]string{"blog": "b2"}
		if err := c.Announce(ctx, changed); err != nil {
			t.Fatal(err)
		}
		eventually(t, 10*time.Second, func() error {
			watch.mu.Lock()
			defer watch.mu.Unlock()
			if last := watch.sets[len(watch.sets)-1]; len(last) != 1 || last[0].Ready["blog"] != "b2" {
				return fmt.Errorf("the watch reports %+v, want blog=b2", last)
			}
			return nil
		})
		watch.mu.Lock()
		defer watch.mu.Unlock()
		if got := watch.sets[n:]; len(got) != 1 {
			t.Fatalf("the watch reported %d sets, want only the change: %+v", len(got), got)
		}
	})
}

func TestWatchMembersMany(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := single(t, nil)

	// A cluster's members are all known when the watch first reports, and
	// every later arrival is reported.
	var nodes []string
	for i := range 8 {
		nodes = append(nodes, fmt.Sprintf("node%02d", i))
		if err := c.Announce(ctx, Member{Node: nodes[i]}); err != nil {
			t.Fatal(err)
		}
	}
	watch := watchMembers(t, c)
	watch.waitNodes(t, 10*time.Second, nodes...)
	watch.mu.Lock()
	first := nodeNames(watch.sets[0])
	watch.mu.Unlock()
	if !slices.Equal(first, nodes) {
		t.Fatalf("first report %v, want the whole current set %v", first, nodes)
	}
	for i := 8; i < 12; i++ {
		nodes = append(nodes, fmt.Sprintf("node%02d", i))
		if err := c.Announce(ctx, Member{Node: nodes[i]}); err != nil {
			t.Fatal(err)
		}
		watch.waitNodes(t, 10*time.Second, nodes...)
	}
}

func TestMemberSet(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s := newMemberSet(10 * time.Second)
	s.members["b"] = memberEntry{m: Member{Node: "b"}, expires: now.Add(5 * time.Second)}
	s.members["a"] = memberEntry{m: Member{Node: "a"}, expires: now.Add(time.Second)}
	s.members["c"] = memberEntry{m: Member{Node: "c"}, expires: now}

	if next, ok := s.nextExpiry(); !ok || !next.Equal(now) {
		t.Errorf("next expiry %v, %v; want %v", next, ok, now)
	}
	if got := nodeNames(s.live(now)); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("live at now: %v, want [a b], sorted, c expired", got)
	}
	if got := nodeNames(s.live(now.Add(2 * time.Second))); !slices.Equal(got, []string{"b"}) {
		t.Errorf("live 2s later: %v, want [b]", got)
	}
	if got := nodeNames(s.live(now.Add(time.Minute))); len(got) != 0 {
		t.Errorf("live a minute later: %v, want none", got)
	}
	if _, ok := s.nextExpiry(); ok {
		t.Error("an empty set has no next expiry")
	}
}

func TestSameMembers(t *testing.T) {
	base := Member{Node: "a", Region: "r", ClusterURL: "u", Ready: map[string]string{"p": "1"}, Updated: time.Unix(1, 0)}
	tests := []struct {
		name   string
		change func(*Member)
		same   bool
	}{
		{name: "only updated", change: func(m *Member) { m.Updated = time.Unix(2, 0) }, same: true},
		{name: "ready", change: func(m *Member) { m.Ready = map[string]string{"p": "2"} }},
		{name: "failed", change: func(m *Member) { m.Failed = map[string]string{"p": "2: trap"} }},
		{name: "url", change: func(m *Member) { m.ClusterURL = "v" }},
		{name: "restart", change: func(m *Member) { m.Started = time.Unix(3, 0) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			other := base
			tt.change(&other)
			if got := sameMembers([]Member{base}, []Member{other}); got != tt.same {
				t.Errorf("sameMembers = %v, want %v", got, tt.same)
			}
		})
	}
	if sameMembers([]Member{base}, nil) {
		t.Error("a set and an empty one are the same")
	}
}
