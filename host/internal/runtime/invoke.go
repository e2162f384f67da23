package runtime

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Invoke runs one request through the module: it takes a warm instance (or
// starts one), calls the guest's handle export with c under c.Limits, and
// returns the instance to the pool. When c.Limits.Timeout passes, the guest
// is interrupted wherever it is and Invoke returns an *Error with status
// 504; other failures are an *Error with status 500 or 502.
//
// On any error the instance is discarded, so the next call gets a clean
// one. The response is in c when Invoke returns nil.
func (m *Module) Invoke(ctx context.Context, c *Call) error {
	// The deadline is checked by the guest's checkpoints, and by a context
	// made only if the guest makes a subrequest: no timer per invocation.
	c.deadline = c.Deadline
	if c.deadline.IsZero() && c.Limits.Timeout > 0 {
		c.deadline = time.Now().Add(c.Limits.Timeout)
	}
	c.ctx, c.cancel = ctx, nil
	defer c.release()
	in, _, err := m.acquire(ctx, c.deadline)
	if err != nil {
		return m.classify(ctx, c, err, "while waiting for an instance")
	}
	c.pool = &m.pool
	in.deadline = c.deadline
	callErr := in.handle.CallWithStack(context.WithValue(ctx, callKey{}, c), in.stack)
	in.deadline = time.Time{}
	c.closeFetches()
	in.log.Flush()
	if callErr == nil && int32(in.stack[0]) != 0 {
		callErr = fmt.Errorf("%s returned %d", "wasmpages_handle", int32(in.stack[0]))
	}
	switch {
	case callErr != nil || c.expired():
		// Past the deadline even a response does not stand: the guest
		// may have answered from a subrequest the deadline cut short.
		err = m.classify(ctx, c, callErr, "")
	case c.limitMsg == responseLimitMsg:
		err = &Error{Status: http.StatusBadGateway, Module: m.name, Reason: c.limitMsg}
	case !c.headSet:
		reason := "returned without a response"
		if c.faultMsg != "" {
			reason += " (" + c.faultMsg + ")"
		} else if c.limitMsg != "" {
			reason += " (" + c.limitMsg + ")"
		}
		err = &Error{Status: http.StatusInternalServerError, Module: m.name, Reason: reason}
	case c.faultMsg != "":
		// The response stands, but a guest that passed wild pointers is not
		// trusted with another request.
		c.finishHead()
		m.engine.logger.Warn("discarding instance after a fault", "module", m.name, "fault", c.faultMsg)
		m.pool.discard(context.Background(), in)
		return nil
	default:
		c.finishHead()
		m.pool.release(in)
		return nil
	}
	m.pool.discard(context.Background(), in)
	return err
}

const responseLimitMsg = "response body exceeds the response_body limit"

// Error is a failed invocation: the status the client gets and why.
type Error struct {
	Status int
	Module string
	Reason string
	Err    error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Module + ": " + e.Reason + ": " + e.Err.Error()
	}
	return e.Module + ": " + e.Reason
}

func (e *Error) Unwrap() error { return e.Err }

// classify turns an error from wazero into an *Error with the status the
// client gets.
func (m *Module) classify(ctx context.Context, c *Call, err error, doing string) error {
	if ctx.Err() != nil || c.expired() || errors.Is(err, context.DeadlineExceeded) {
		reason := fmt.Sprintf("exceeded its time limit of %s", c.Limits.Timeout)
		if errors.Is(ctx.Err(), context.Canceled) {
			reason = "was canceled"
		}
		if doing != "" {
			reason += " " + doing
		}
		return &Error{Status: http.StatusGatewayTimeout, Module: m.name, Reason: reason}
	}
	reason := "failed"
	if doing != "" {
		reason += " " + doing
	}
	return &Error{Status: http.StatusInternalServerError, Module: m.name, Reason: reason, Err: describe(err)}
}
