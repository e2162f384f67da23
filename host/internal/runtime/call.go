package runtime

import (
	"context"
	"io"
	"time"

	"github.com/wasmpages/wasmpages/abi"
)

// Fetcher serves a guest's subrequests.
type Fetcher interface {
	// Fetch sends req to where kind says and returns the response, whose
	// body the runtime closes. ctx carries the invocation's deadline.
	Fetch(ctx context.Context, kind abi.FetchKind, req *Subrequest) (*Subresponse, error)
}

// Subrequest is a guest's outbound request.
type Subrequest struct {
	Method string
	URL    string
	Header [][2]string
	Body   []byte
}

// Subresponse is the answer to a Subrequest.
type Subresponse struct {
	Status int
	Header [][2]string
	// Body may be nil for an empty body.
	Body io.ReadCloser
}

// Limits bound one invocation.
type Limits struct {
	// Timeout is the wall-clock time the guest may take; zero means none.
	Timeout time.Duration
	// Subrequests caps network fetches; zero means none allowed.
	Subrequests int
	// ResponseBody caps the response body, in bytes.
	ResponseBody int64
}

// Call is one invocation: the request going in, the response coming out.
// A Call may be reused (Reset) but not shared between concurrent
// invocations.
type Call struct {
	// RequestHead is the encoded request head (abi.EncodeRequestHead).
	RequestHead []byte
	// RequestBody is the whole request body.
	RequestBody []byte
	Fetcher     Fetcher
	Limits      Limits
	// Params are the route parameters (AppendParams).
	Params []byte
	// Chain is shared by the invocations of one request; nil for none.
	Chain *Chain
	// Deadline, if not zero, bounds the invocation instead of
	// Limits.Timeout, which still names the limit in errors: the
	// request's deadline, for the modules of a chain that share one time
	// limit.
	Deadline time.Time

	// ResponseHead is the encoded response head the guest set, or nil.
	ResponseHead []byte
	// ResponseBody is the response body the guest wrote.
	ResponseBody []byte
	// Subrequests counts the network fetches made.
	Subrequests int

	deadline time.Time // zero: none
	ctx      context.Context
	cancel   context.CancelFunc // of ctx, once made
	nextUsed bool
	headSet  bool
	bodyOff  int
	pool     *pool
	fetches  []*fetchHandle
	faultMsg string
	limitMsg string
}

// Reset clears the call's results so it can carry another request. It keeps
// the buffers.
func (c *Call) Reset() {
	c.ResponseHead = c.ResponseHead[:0]
	c.ResponseBody = c.ResponseBody[:0]
	c.RequestHead = c.RequestHead[:0]
	c.RequestBody = nil
	c.Fetcher = nil
	c.Params = c.Params[:0]
	c.Chain = nil
	c.Deadline = time.Time{}
	c.nextUsed = false
	c.Subrequests = 0
	c.bodyOff = 0
	c.faultMsg = ""
	c.limitMsg = ""
	c.headSet = false
}

// Status returns the status of the guest's response head, or 0 if it set none.
func (c *Call) Status() int {
	if !c.headSet {
		return 0
	}
	s, _ := abi.NewDecoder(c.ResponseHead).Uint32()
	return int(s & 0xffff)
}

// fault records that the guest passed memory outside its bounds to op and
// returns abi.ErrFault.
func (c *Call) fault(op string) int32 {
	if c.faultMsg == "" {
		c.faultMsg = op + ": pointer or length out of bounds"
	}
	return abi.ErrFault
}

// expired reports whether the invocation is past its time limit.
func (c *Call) expired() bool {
	return !c.deadline.IsZero() && !time.Now().Before(c.deadline)
}

// context returns the invocation's context carrying its deadline, for
// subrequests. It is made on first use: most invocations make none, and a
// context with a deadline costs a timer.
func (c *Call) context() context.Context {
	if c.cancel == nil && !c.deadline.IsZero() {
		c.ctx, c.cancel = context.WithDeadline(c.ctx, c.deadline)
	}
	return c.ctx
}

// release frees what the invocation held: open subrequests and the
// context made for them.
func (c *Call) release() {
	c.closeFetches()
	if c.cancel != nil {
		c.cancel()
		c.cancel = nil
	}
	c.ctx = nil
}

// closeFetches releases the subrequest handles still open.
func (c *Call) closeFetches() {
	for i, f := range c.fetches {
		if f != nil {
			f.close()
		}
		c.fetches[i] = nil
	}
	c.fetches = c.fetches[:0]
}

type callKey struct{}

// callFrom returns the invocation that ctx belongs to.
func callFrom(ctx context.Context) *Call {
	c, _ := ctx.Value(callKey{}).(*Call)
	return c
}
