package runtime

import (
	"context"

	"github.com/tetratelabs/wazero/api"

	"github.com/wasmpages/wasmpages/abi"
)

var requestHeadFunc = hostFunc{
	name:   abi.FuncRequestHead,
	params: []string{"buf", "buf_len"},
	fn: func(_ context.Context, c *Call, mod api.Module, stack []uint64) int32 {
		return copyOut(c, mod, abi.FuncRequestHead, u32(stack, 0), u32(stack, 1), c.RequestHead)
	},
}

var requestBodyReadFunc = hostFunc{
	name:   abi.FuncRequestBodyRead,
	params: []string{"buf", "buf_len"},
	fn: func(_ context.Context, c *Call, mod api.Module, stack []uint64) int32 {
		buf, ok := view(mod, u32(stack, 0), u32(stack, 1))
		if !ok {
			return c.fault(abi.FuncRequestBodyRead)
		}
		n := copy(buf, c.RequestBody[c.bodyOff:])
		c.bodyOff += n
		return int32(n)
	},
}
