package cluster

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
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

func TestEntryOp(t *testing.T) {
	tests := []struct {
		name   string
		header nats.Header
		want   jetstream.KeyValueOp
	}{
		{name: "put", want: jetstream.KeyValuePut},
		{name: "delete", header: nats.Header{"KV-Operation": {"DEL"}}, want: jetstream.KeyValueDelete},
		{name: "purge", header: nats.Header{"KV-Operation": {"PURGE"}}, want: jetstream.KeyValuePurge},
		{name: "expired", header: nats.Header{"Nats-Marker-Reason": {"MaxAge"}}, want: jetstream.KeyValuePurge},
		{name: "purged by the server", header: nats.Header{"Nats-Marker-Reason": {"Purge"}}, want: jetstream.KeyValuePurge},
		{name: "removed by the server", header: nats.Header{"Nats-Marker-Reason": {"Remove"}}, want: jetstream.KeyValueDelete},
		{name: "other headers", header: nats.Header{"X-Other": {"1"}}, want: jetstream.KeyValuePut},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := entryOp(tt.header); got != tt.want {
				t.Errorf("entryOp(%v) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}
