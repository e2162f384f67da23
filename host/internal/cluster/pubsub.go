package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
)

// Publish sends a message on a subject of the cluster's core NATS (not
// JetStream): fire and forget, for telemetry that the next round replaces.
// It fails only when this node is disconnected.
func (c *Control) Publish(subject string, data []byte) error {
	if err := c.nc.Publish(subject, data); err != nil {
		return fmt.Errorf("publishing on %s: %w", subject, err)
	}
	return nil
}

// Subscribe calls fn with every message published on subject, on one
// goroutine and in order, until ctx is done or the Control is closed. The
// subscription survives reconnects (the NATS client restores it).
func (c *Control) Subscribe(ctx context.Context, subject string, fn func([]byte)) error {
	return c.consume(ctx, subject, func(m *nats.Msg) { fn(m.Data) })
}

// consume calls fn with every message on subject, on one goroutine, until
// ctx is done or the Control is closed. A consumer that falls behind drops
// messages rather than block NATS: they are telemetry and explanations,
// which the next round replaces or the asker times out on.
func (c *Control) consume(ctx context.Context, subject string, fn func(*nats.Msg)) error {
	ch := make(chan *nats.Msg, 256)
	sub, err := c.nc.Subscribe(subject, func(m *nats.Msg) {
		select {
		case ch <- m:
		default:
		}
	})
	if err != nil {
		return fmt.Errorf("subscribing to %s: %w", subject, err)
	}
	defer sub.Unsubscribe()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-c.life.Done():
			return nil
		case m := <-ch:
			fn(m)
		}
	}
}

// Gather publishes a request on subject and collects the replies of every
// node that answers, until want replies arrived or timeout passed.
func (c *Control) Gather(ctx context.Context, subject string, data []byte, want int, timeout time.Duration) ([][]byte, error) {
	inbox := c.nc.NewRespInbox()
	sub, err := c.nc.SubscribeSync(inbox)
	if err != nil {
		return nil, fmt.Errorf("asking on %s: %w", subject, err)
	}
	defer sub.Unsubscribe()
	if err := c.nc.PublishRequest(subject, inbox, data); err != nil {
		return nil, fmt.Errorf("asking on %s: %w", subject, err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var out [][]byte
	for len(out) < want {
		m, err := sub.NextMsgWithContext(ctx)
		if err != nil {
			break // the nodes that did not answer in time are left out
		}
		out = append(out, m.Data)
	}
	return out, nil
}

// Reply answers every request on subject with fn's result, until ctx is
// done or the Control is closed.
func (c *Control) Reply(ctx context.Context, subject string, fn func([]byte) []byte) error {
	return c.consume(ctx, subject, func(m *nats.Msg) {
		if m.Reply != "" {
			m.Respond(fn(m.Data))
		}
	})
}
