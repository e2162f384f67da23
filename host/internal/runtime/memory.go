package runtime

import "github.com/tetratelabs/wazero/api"

// copyOut implements the "copy a value into the guest" convention of abi:
// if value fits in buf it is copied; the result is its length, or
// abi.ErrFault. A value that does not fit leaves memory untouched.
func copyOut(c *Call, mod api.Module, op string, buf, bufLen uint32, value []byte) int32 {
	n := uint32(len(value))
	if n > bufLen {
		return int32(n)
	}
	if !mod.Memory().Write(buf, value) {
		return c.fault(op)
	}
	return int32(n)
}

// view returns the guest memory [ptr, ptr+n), aliasing it, or false if it
// lies outside memory. The view is valid until guest code runs again.
func view(mod api.Module, ptr, n uint32) ([]byte, bool) {
	if n == 0 {
		return nil, true
	}
	return mod.Memory().Read(ptr, n)
}

// i32 reads stack[i] as an i32 argument; u32 as an unsigned one.
func i32(stack []uint64, i int) int32  { return int32(uint32(stack[i])) }
func u32(stack []uint64, i int) uint32 { return uint32(stack[i]) }

// ret sets a host function's i32 result.
func ret(stack []uint64, v int32) { stack[0] = uint64(uint32(v)) }
