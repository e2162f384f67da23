package sdk

import (
	"unsafe"

	"github.com/wasmpages/wasmpages/abi"
)

// The host functions of abi.ImportModule. Pointers are into this module's
// memory; every result is a length, a handle or a negative abi error code.

//go:wasmimport wasmpages_v1 request_head
func requestHead(buf unsafe.Pointer, bufLen uint32) int32

//go:wasmimport wasmpages_v1 request_body_read
func requestBodyRead(buf unsafe.Pointer, bufLen uint32) int32

//go:wasmimport wasmpages_v1 response_head
func responseHead(head unsafe.Pointer, headLen uint32) int32

//go:wasmimport wasmpages_v1 response_body_write
func responseBodyWrite(buf unsafe.Pointer, bufLen uint32) int32

//go:wasmimport wasmpages_v1 fetch
func fetch(kind int32, head unsafe.Pointer, headLen uint32, body unsafe.Pointer, bodyLen uint32) int32

//go:wasmimport wasmpages_v1 fetch_head
func fetchHead(handle int32, buf unsafe.Pointer, bufLen uint32) int32

//go:wasmimport wasmpages_v1 fetch_body_read
func fetchBodyRead(handle int32, buf unsafe.Pointer, bufLen uint32) int32

//go:wasmimport wasmpages_v1 fetch_close
func fetchClose(handle int32) int32

//go:wasmexport wasmpages_abi_version
func abiVersion() int32 { return abi.Version }

// ptr returns the address of b's first byte, or nil for an empty slice.
func ptr(b []byte) unsafe.Pointer {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Pointer(unsafe.SliceData(b))
}

// hostError turns a negative result into an error.
type hostError struct {
	op   string
	code int32
}

func (e *hostError) Error() string { return "sdk: " + e.op + ": " + abi.ErrorText(e.code) }

// readHead calls a "copy a head into buf" host function, growing buf until
// the head fits, and returns the head (aliasing buf).
func readHead(buf *[]byte, call func(p unsafe.Pointer, n uint32) int32) ([]byte, int32) {
	for {
		n := call(ptr(*buf), uint32(len(*buf)))
		if n < 0 {
			return nil, n
		}
		if int(n) <= len(*buf) {
			return (*buf)[:n], 0
		}
		*buf = make([]byte, n)
	}
}

//go:wasmimport wasmpages_v1 request_params
func requestParams(buf unsafe.Pointer, bufLen uint32) int32

//go:wasmimport wasmpages_v1 data_get
func dataGet(buf unsafe.Pointer, bufLen uint32) int32

//go:wasmimport wasmpages_v1 data_set
func dataSet(buf unsafe.Pointer, bufLen uint32) int32

//go:wasmimport wasmpages_v1 pass_through_on_exception
func passThrough() int32

//go:wasmexport wasmpages_methods
func methods() int32 { return methodBits() }
