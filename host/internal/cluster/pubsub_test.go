package cluster

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestPublishSubscribe(t *testing.T) {
	c := single(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var got []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Subscribe(ctx, "test.telemetry", func(b []byte) {
			mu.Lock()
			got = append(got, string(b))
			mu.Unlock()
		})
	}()
	// The subscription starts asynchronously: publish until it hears.
	eventually(t, 10*time.Second, func() error {
		if err := c.Publish("test.telemetry", []byte("hello")); err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if !slices.Contains(got, "hello") {
			return fmt.Errorf("got %q", got)
		}
		return nil
	})
	cancel()
	<-done // Subscribe returns when its context ends
}

func TestGatherReply(t *testing.T) {
	c := single(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, name := range []string{"one", "two"} {
		go c.Reply(ctx, "test.explain", func(q []byte) []byte { return []byte(name + ":" + string(q)) })
	}
	eventually(t, 10*time.Second, func() error {
		replies, err := c.Gather(ctx, "test.explain", []byte("site"), 2, time.Second)
		if err != nil {
			return err
		}
		var got []string
		for _, r := range replies {
			got = append(got, string(r))
		}
		slices.Sort(got)
		if !slices.Equal(got, []string{"one:site", "two:site"}) {
			return fmt.Errorf("replies %q", got)
		}
		return nil
	})
	// Fewer answers than wanted: Gather returns what came within the timeout.
	replies, err := c.Gather(ctx, "test.explain", []byte("x"), 3, 300*time.Millisecond)
	if err != nil || len(replies) != 2 {
		t.Errorf("wanting 3 of 2 responders: %d replies, %v", len(replies), err)
	}
}
