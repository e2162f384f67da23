package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Member is a node's entry in the membership bucket: who it is, where peers
// reach it, and what it serves. An entry lives for the member TTL after its
// last announcement.
type Member struct {
	// Node is the node's name, the entry's key.
	Node string `json:"node"`
	// Region is the region the node runs in.
	Region string `json:"region"`
	// ClusterURL is where the other nodes reach the node's cluster listener
	// to forward requests.
	ClusterURL string `json:"cluster_url"`
	// Started is when the node started.
	Started time.Time `json:"started"`
	// Ready maps each project to the deployment id the node serves as
	// active.
	Ready map[string]string `json:"ready"`
	// Failed maps each project to "<id>: reason" for a deployment that
	// failed to load on the node.
	Failed map[string]string `json:"failed,omitempty"`
	// Updated is when the entry was last announced; Announce sets it.
	Updated time.Time `json:"updated"`
}

// Announce stores m as its node's membership entry, for the member TTL.
// Call it on every change and at least every TTL/3 (Heartbeat does the
// latter). Announce sets m.Updated; an empty Node or Region is this node's.
func (c *Control) Announce(ctx context.Context, m Member) error {
	if m.Node == "" {
		m.Node = c.node
	}
	if m.Region == "" {
		m.Region = c.region
	}
	op := fmt.Sprintf("announcing node %s", m.Node)
	if !validName(m.Node) {
		return fmt.Errorf("%s: not a valid node name", op)
	}
	m.Updated = time.Now().UTC()
	value, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	ctx2, cancel := c.op(ctx)
	defer cancel()
	kv, err := c.nodes.get(ctx2)
	if err != nil {
		return c.wrap(ctx, op, err)
	}
	_, err = kv.Put(ctx2, m.Node, value)
	c.nodes.failed(err)
	return c.wrap(ctx, op, err)
}

// Heartbeat announces member() now and every MemberTTL/3 until ctx is done
// or c is closed; it blocks until then, so run it on its own goroutine.
// Failures are logged, once per outage, and retried at the next beat.
func (c *Control) Heartbeat(ctx context.Context, member func() Member) {
	tick := time.NewTicker(c.memberTTL / 3)
	defer tick.Stop()
	failing := false
	for {
		err := c.Announce(ctx, member())
		switch {
		case err != nil && !failing && ctx.Err() == nil && c.life.Err() == nil:
			c.log.Warn("membership heartbeat failing; retrying", "err", err)
			failing = true
		case err == nil && failing:
			c.log.Info("membership heartbeat back")
			failing = false
		}
		select {
		case <-ctx.Done():
			return
		case <-c.life.Done():
			return
		case <-tick.C:
		}
	}
}

// Members returns the live members (announced within the member TTL),
// sorted by node name.
func (c *Control) Members(ctx context.Context) ([]Member, error) {
	const op = "listing members"
	ctx2, cancel := c.op(ctx)
	defer cancel()
	entries, err := c.entries(ctx2, &c.nodes)
	if err != nil {
		return nil, c.wrap(ctx, op, err)
	}
	set := newMemberSet(c.memberTTL)
	for _, e := range entries {
		set.apply(e, c.log)
	}
	return set.live(time.Now()), nil
}

// WatchMembers calls fn with the full set of live members, sorted by node
// name, once the current set is known and then whenever it changes: a node
// joins, leaves, changes its entry, or expires (misses its announcements
// for the member TTL). An announcement that changes nothing but Updated is
// not a change. It blocks until ctx is done or c is closed, so run it on
// its own goroutine; fn runs on one goroutine, one call at a time. It keeps
// going across NATS outages.
func (c *Control) WatchMembers(ctx context.Context, fn func([]Member)) {
	events := c.watchKV(ctx, "members", &c.nodes)
	set := newMemberSet(c.memberTTL)
	var last []Member
	current, delivered := false, false
	expiry := time.NewTimer(time.Hour)
	defer expiry.Stop()
	for {
		if next, ok := set.nextExpiry(); ok {
			expiry.Reset(time.Until(next))
		} else {
			expiry.Stop()
		}
		select {
		case ev, ok := <-events:
			if !ok {
				return
			}
			switch {
			case ev.restart:
				set = newMemberSet(c.memberTTL)
				current = false
				continue
			case ev.current:
				current = true
			default:
				set.apply(ev.entry, c.log)
			}
		case <-expiry.C:
		}
		if !current {
			continue
		}
		now := set.live(time.Now())
		if delivered && sameMembers(last, now) {
			continue
		}
		fn(now)
		last, delivered = now, true
	}
}

// memberSet holds membership entries with their expiry.
type memberSet struct {
	ttl     time.Duration
	members map[string]memberEntry
}

type memberEntry struct {
	m       Member
	expires time.Time
}

func newMemberSet(ttl time.Duration) *memberSet {
	return &memberSet{ttl: ttl, members: map[string]memberEntry{}}
}

// apply records a membership bucket entry: a put adds or replaces the
// node; a delete or purge (the server's marker of an expired entry
// included) removes it.
func (s *memberSet) apply(e jetstream.KeyValueEntry, log *slog.Logger) {
	if e.Operation() != jetstream.KeyValuePut {
		delete(s.members, e.Key())
		return
	}
	var m Member
	if err := json.Unmarshal(e.Value(), &m); err != nil {
		log.Warn("skipping a membership entry", "node", e.Key(), "err", err)
		return
	}
	m.Node = e.Key()
	s.members[m.Node] = memberEntry{m: m, expires: e.Created().Add(s.ttl)}
}

// live returns the members whose entries have not expired at now, sorted by
// node, and forgets the others.
func (s *memberSet) live(now time.Time) []Member {
	out := []Member{}
	for node, me := range s.members {
		if !now.Before(me.expires) {
			delete(s.members, node)
			continue
		}
		out = append(out, me.m)
	}
	slices.SortFunc(out, func(a, b Member) int { return strings.Compare(a.Node, b.Node) })
	return out
}

// nextExpiry returns the earliest expiry in s.
func (s *memberSet) nextExpiry() (time.Time, bool) {
	var next time.Time
	for _, me := range s.members {
		if next.IsZero() || me.expires.Before(next) {
			next = me.expires
		}
	}
	return next, !next.IsZero()
}

// sameMembers reports whether a and b hold the same members, Updated
// aside.
func sameMembers(a, b []Member) bool {
	return slices.EqualFunc(a, b, func(x, y Member) bool {
		return x.Node == y.Node && x.Region == y.Region && x.ClusterURL == y.ClusterURL &&
			x.Started.Equal(y.Started) && maps.Equal(x.Ready, y.Ready) && maps.Equal(x.Failed, y.Failed)
	})
}
