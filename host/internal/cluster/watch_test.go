package cluster

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestWatchKV checks that a watch, once started, delivers every change
// itself: it starts over only after an outage.
func TestWatchKV(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := single(t, nil)
	if err := c.Announce(ctx, Member{Node: "first"}); err != nil {
		t.Fatal(err)
	}

	var (
		mu       sync.Mutex
		starts   int
		current  bool
		revision = map[string]uint64{}
	)
	wctx, cancel := context.WithCancel(ctx)
	events := c.watchKV(wctx, "test", &c.nodes)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range events {
			mu.Lock()
			switch {
			case ev.restart:
				starts++
			case ev.current:
				current = true
			default:
				revision[ev.entry.Key()] = ev.entry.Revision()
			}
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	seen := func(key string) func() error {
		return func() error {
			mu.Lock()
			defer mu.Unlock()
			if !current {
				return errors.New("the watch has not sent the current state")
			}
			if revision[key] == 0 {
				return fmt.Errorf("the watch has not sent key %q", key)
			}
			return nil
		}
	}
	eventually(t, 10*time.Second, seen("first"))

	// Each change is delivered by the watch that sent the current state:
	// without an outage, the watch never starts over (and never replays
	// the bucket).
	for i := range 5 {
		node := fmt.Sprintf("node%d", i)
		if err := c.Announce(ctx, Member{Node: node}); err != nil {
			t.Fatal(err)
		}
		eventually(t, 10*time.Second, seen(node))
	}
	mu.Lock()
	defer mu.Unlock()
	if starts != 1 {
		t.Errorf("the watch started %d times without an outage, want once", starts)
	}
}
