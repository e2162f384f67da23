package runtime

import (
	"context"
	"errors"
	"io"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasmpages/wasmpages/abi"
)

// fetchHandle is an open subrequest response.
type fetchHandle struct {
	head []byte // encoded response head
	body io.ReadCloser
}

func (f *fetchHandle) close() {
	if f.body != nil {
		f.body.Close()
		f.body = nil
	}
}

var fetchFunc = hostFunc{
	name:   abi.FuncFetch,
	params: []string{"kind", "head", "head_len", "body", "body_len"},
	fn: func(ctx context.Context, c *Call, mod api.Module, stack []uint64) int32 {
		kind := abi.FetchKind(i32(stack, 0))
		if kind != abi.FetchNetwork && kind != abi.FetchAssets && kind != abi.FetchNext {
			return abi.ErrInvalid
		}
		if kind == abi.FetchNext {
			if c.nextUsed {
				return abi.ErrState
			}
			c.nextUsed = true
		}
		head, ok := view(mod, u32(stack, 1), u32(stack, 2))
		if !ok {
			return c.fault(abi.FuncFetch)
		}
		body, ok := view(mod, u32(stack, 3), u32(stack, 4))
		if !ok {
			return c.fault(abi.FuncFetch)
		}
		h, err := abi.DecodeRequestHead(head)
		if err != nil || h.Method == "" || h.URL == "" {
			return abi.ErrInvalid
		}
		if kind == abi.FetchNetwork {
			if c.Subrequests >= c.Limits.Subrequests {
				c.limitMsg = "too many subrequests"
				return abi.ErrLimit
			}
			c.Subrequests++
		}
		if c.Fetcher == nil {
			return abi.ErrNetwork
		}
		req := &Subrequest{Method: h.Method, URL: h.URL, Header: h.Header}
		if len(body) > 0 {
			// Copied: guest memory may move while the request is in flight.
			req.Body = append([]byte(nil), body...)
		}
		done := c.pool.blocking()
		resp, err := c.Fetcher.Fetch(c.context(), kind, req)
		done()
		if err != nil {
			if errors.Is(err, ErrBadSubrequest) {
				return abi.ErrInvalid
			}
			return abi.ErrNetwork
		}
		f := &fetchHandle{
			head: abi.EncodeResponseHead(nil, &abi.ResponseHead{Status: resp.Status, Header: resp.Header}),
			body: resp.Body,
		}
		c.fetches = append(c.fetches, f)
		return int32(len(c.fetches))
	},
}

// ErrBadSubrequest is returned by a Fetcher for a request it cannot send
// as described (a malformed URL, a scheme it does not speak); the guest
// gets abi.ErrInvalid rather than abi.ErrNetwork.
var ErrBadSubrequest = errors.New("runtime: bad subrequest")

// handle returns the open response for a guest's handle, or nil.
func (c *Call) handle(h int32) *fetchHandle {
	if h <= 0 || int(h) > len(c.fetches) {
		return nil
	}
	return c.fetches[h-1]
}

var fetchHeadFunc = hostFunc{
	name:   abi.FuncFetchHead,
	params: []string{"handle", "buf", "buf_len"},
	fn: func(_ context.Context, c *Call, mod api.Module, stack []uint64) int32 {
		f := c.handle(i32(stack, 0))
		if f == nil {
			return abi.ErrNotFound
		}
		return copyOut(c, mod, abi.FuncFetchHead, u32(stack, 1), u32(stack, 2), f.head)
	},
}

var fetchBodyReadFunc = hostFunc{
	name:   abi.FuncFetchBodyRead,
	params: []string{"handle", "buf", "buf_len"},
	fn: func(_ context.Context, c *Call, mod api.Module, stack []uint64) int32 {
		f := c.handle(i32(stack, 0))
		if f == nil {
			return abi.ErrNotFound
		}
		buf, ok := view(mod, u32(stack, 1), u32(stack, 2))
		if !ok {
			return c.fault(abi.FuncFetchBodyRead)
		}
		if f.body == nil || len(buf) == 0 {
			return 0
		}
		// The view aliases guest memory, which cannot move while the host
		// function runs, so the body is read straight into it.
		for {
			n, err := f.body.Read(buf)
			if n > 0 {
				return int32(n)
			}
			if err == io.EOF {
				return 0
			}
			if err != nil {
				return abi.ErrNetwork
			}
		}
	},
}

var fetchCloseFunc = hostFunc{
	name:   abi.FuncFetchClose,
	params: []string{"handle"},
	fn: func(_ context.Context, c *Call, _ api.Module, stack []uint64) int32 {
		h := i32(stack, 0)
		f := c.handle(h)
		if f == nil {
			return abi.ErrNotFound
		}
		f.close()
		c.fetches[h-1] = nil
		return 0
	},
}
