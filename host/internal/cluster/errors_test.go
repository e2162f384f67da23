package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

func TestIsUnavailable(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{err: context.DeadlineExceeded, want: true},
		{err: nats.ErrTimeout, want: true},
		{err: nats.ErrNoResponders, want: true},
		{err: nats.ErrConnectionClosed, want: true},
		{err: jetstream.ErrNoStreamResponse, want: true},
		{err: jetstream.ErrAsyncPublishTimeout, want: true},
		{err: fmt.Errorf("x: %w", &jetstream.APIError{Code: 503, ErrorCode: 10008}), want: true},
		{err: &jetstream.APIError{Code: 500, ErrorCode: 10005}, want: true},
		{err: &nats.APIError{Code: 503, ErrorCode: 10008}, want: true},
		{err: jetstream.ErrKeyNotFound},
		{err: jetstream.ErrKeyExists},
		{err: jetstream.ErrInvalidKey},
		{err: jetstream.ErrObjectNotFound},
		{err: &jetstream.APIError{Code: 400, ErrorCode: 10071}},
		{err: io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			if got := isUnavailable(tt.err); got != tt.want {
				t.Errorf("isUnavailable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	c := &Control{check: "check the thing"}
	ctx := context.Background()

	err := c.wrap(ctx, "reading project \"blog\"", nats.ErrNoResponders)
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, nats.ErrNoResponders) {
		t.Errorf("got %v, want ErrUnavailable wrapping the cause", err)
	}
	want := `reading project "blog": the control plane (NATS JetStream) is unreachable (check the thing): nats: no responders available for request`
	if err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}

	if err := c.wrap(ctx, "op", jetstream.ErrInvalidKey); errors.Is(err, ErrUnavailable) || !strings.HasPrefix(err.Error(), "op: ") {
		t.Errorf("an invalid key is not an outage: %v", err)
	}

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := c.wrap(cctx, "op", context.Canceled); errors.Is(err, ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Errorf("a cancellation is not an outage: %v", err)
	}
	if c.wrap(ctx, "op", nil) != nil {
		t.Error("wrap(nil) is not nil")
	}
}
