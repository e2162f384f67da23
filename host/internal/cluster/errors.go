package cluster

import (
	"context"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Errors that callers test with errors.Is.
var (
	// ErrUnavailable means the control plane could not be reached in time:
	// NATS is down or unreachable, or the JetStream cluster has no quorum.
	// The node keeps serving what it has on disk; the operation may be
	// retried later.
	ErrUnavailable = errors.New("cluster: the control plane (NATS JetStream) is unreachable")

	// ErrNotFound means the project or bundle does not exist.
	ErrNotFound = errors.New("cluster: not found")

	// ErrConflict means a compare-and-set lost: the project changed since the
	// caller read it. The error's message names the deployment that won.
	ErrConflict = errors.New("cluster: conflicting update")
)

// unavailableError is an operation that failed because the control plane was
// unreachable. Its message says what to check; it matches ErrUnavailable and
// unwraps to the underlying NATS error.
type unavailableError struct {
	op    string // what was being done, e.g. `reading project "blog"`
	check string // what the operator should check
	err   error
}

func (e *unavailableError) Error() string {
	return fmt.Sprintf("%s: the control plane (NATS JetStream) is unreachable (%s): %v", e.op, e.check, e.err)
}

func (e *unavailableError) Is(target error) bool { return target == ErrUnavailable }

func (e *unavailableError) Unwrap() error { return e.err }

// JetStream API error codes that mean the cluster cannot serve a request
// right now (the server's errors.json): no peers for placement, the system
// temporarily unavailable, insufficient resources, incomplete results.
var unavailableCodes = map[int]bool{
	10004: true, // JSClusterIncompleteErr
	10005: true, // JSClusterNoPeersErrF
	10008: true, // JSClusterNotAvailErr
	10023: true, // JSInsufficientResourcesErr
	10163: true, // JSStreamExpectedLastSeqPerSubjectNotReady
}

// isUnavailable reports whether err means that NATS or JetStream could not
// serve the request, as opposed to an answer (not found, conflict, invalid).
func isUnavailable(err error) bool {
	switch {
	case errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, nats.ErrTimeout),
		errors.Is(err, nats.ErrNoResponders),
		errors.Is(err, nats.ErrConnectionClosed),
		errors.Is(err, nats.ErrConnectionDraining),
		errors.Is(err, nats.ErrConnectionReconnecting),
		errors.Is(err, nats.ErrDisconnected),
		errors.Is(err, nats.ErrReconnectBufExceeded),
		errors.Is(err, nats.ErrNoServers),
		errors.Is(err, nats.ErrJetStreamNotEnabled),
		errors.Is(err, jetstream.ErrNoStreamResponse),
		errors.Is(err, jetstream.ErrJetStreamNotEnabled),
		errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount),
		errors.Is(err, jetstream.ErrAsyncPublishTimeout),
		errors.Is(err, jetstream.ErrTooManyStalledMsgs),
		errors.Is(err, jetstream.ErrNoHeartbeat),
		errors.Is(err, jetstream.ErrConnectionClosed),
		errors.Is(err, jetstream.ErrServerShutdown),
		errors.Is(err, jetstream.ErrJetStreamPublisherClosed):
		return true
	}
	// The object store and watches create consumers through the older API
	// of nats.go, whose API errors have a type of their own.
	if apiErr := (*jetstream.APIError)(nil); errors.As(err, &apiErr) {
		return apiErr.Code == 503 || unavailableCodes[int(apiErr.ErrorCode)]
	}
	if apiErr := (*nats.APIError)(nil); errors.As(err, &apiErr) {
		return apiErr.Code == 503 || unavailableCodes[int(apiErr.ErrorCode)]
	}
	return false
}

// wrap gives err the operation's context. An error that means the control
// plane is out of reach becomes an *unavailableError (matching
// ErrUnavailable) that says what to check; a cancellation by the caller stays
// one.
func (c *Control) wrap(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if isUnavailable(err) {
		return &unavailableError{op: op, check: c.check, err: err}
	}
	return fmt.Errorf("%s: %w", op, err)
}
