package runtime

import (
	"context"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasmpages/wasmpages/abi"
)

// Chain is what the invocations of one request's chain (middleware, then
// the route's module) share: Pages' context.data and the
// passThroughOnException flag.
type Chain struct {
	// Data is the request's data, as the last data_set left it.
	Data []byte
	// PassThrough is set once a module asked for its failure to fall back
	// to the asset server.
	PassThrough bool
	// NoPassThrough refuses pass_through_on_exception (abi.ErrState), as
	// advanced mode does.
	NoPassThrough bool
}

// AppendParams encodes route parameters for request_params: each as its
// name, a u32 count, and that many values.
func AppendParams(dst []byte, name string, values []string) []byte {
	dst = abi.AppendString(dst, name)
	n := len(values)
	dst = append(dst, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	for _, v := range values {
		dst = abi.AppendString(dst, v)
	}
	return dst
}

var requestParamsFunc = hostFunc{
	name:   abi.FuncRequestParams,
	params: []string{"buf", "buf_len"},
	fn: func(_ context.Context, c *Call, mod api.Module, stack []uint64) int32 {
		return copyOut(c, mod, abi.FuncRequestParams, u32(stack, 0), u32(stack, 1), c.Params)
	},
}

var dataGetFunc = hostFunc{
	name:   abi.FuncDataGet,
	params: []string{"buf", "buf_len"},
	fn: func(_ context.Context, c *Call, mod api.Module, stack []uint64) int32 {
		var data []byte
		if c.Chain != nil {
			data = c.Chain.Data
		}
		return copyOut(c, mod, abi.FuncDataGet, u32(stack, 0), u32(stack, 1), data)
	},
}

// maxData caps the request's data: it is copied into every module of the
// chain that reads it.
const maxData = 1 << 20

var dataSetFunc = hostFunc{
	name:   abi.FuncDataSet,
	params: []string{"buf", "buf_len"},
	fn: func(_ context.Context, c *Call, mod api.Module, stack []uint64) int32 {
		if u32(stack, 1) > maxData {
			return abi.ErrLimit
		}
		buf, ok := view(mod, u32(stack, 0), u32(stack, 1))
		if !ok {
			return c.fault(abi.FuncDataSet)
		}
		if c.Chain == nil {
			c.Chain = &Chain{}
		}
		c.Chain.Data = append(c.Chain.Data[:0], buf...)
		return 0
	},
}

var passThroughFunc = hostFunc{
	name:   abi.FuncPassThrough,
	params: nil,
	fn: func(_ context.Context, c *Call, _ api.Module, _ []uint64) int32 {
		if c.Chain == nil {
			c.Chain = &Chain{}
		}
		if c.Chain.NoPassThrough {
			return abi.ErrState
		}
		c.Chain.PassThrough = true
		return 0
	},
}
