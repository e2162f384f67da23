package host

import (
	"context"
	"errors"
	"time"

	"github.com/wasmpages/wasmpages/host/internal/cluster"
)

// controlPatience is how long an admin call waits out an unavailable
// control plane: after a node dies, JetStream elects new leaders within a
// few seconds, and a deploy made meanwhile should wait, not fail.
const controlPatience = 20 * time.Second

// patiently runs op until it succeeds, fails for a reason other than an
// unavailable control plane, or controlPatience has passed.
func patiently(ctx context.Context, op func() error) error {
	deadline := time.Now().Add(controlPatience)
	for {
		err := op()
		if !errors.Is(err, cluster.ErrUnavailable) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(250 * time.Millisecond):
		}
	}
}
