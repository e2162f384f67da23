//go:build wasip1

// Command raw answers "Hello" through the wasmpages ABI directly (see the
// abi package): the cost of the host's function path without the SDK's
// net/http layer.
package main

import "unsafe"

//go:wasmimport wasmpages_v1 request_head
func requestHead(p unsafe.Pointer, n uint32) int32

//go:wasmimport wasmpages_v1 response_head
func responseHead(p unsafe.Pointer, n uint32) int32

//go:wasmimport wasmpages_v1 response_body_write
func responseBodyWrite(p unsafe.Pointer, n uint32) int32

// head is status 200 and one header, Content-Type: text/plain.
var head = append([]byte{200, 0, 0, 0, 12, 0, 0, 0}, "Content-Type\x0a\x00\x00\x00text/plain"...)
var body = []byte("Hello")
var buf = make([]byte, 4096)

//go:wasmexport wasmpages_abi_version
func version() int32 { return 1 }

//go:wasmexport wasmpages_handle
func handle() int32 {
	requestHead(unsafe.Pointer(&buf[0]), uint32(len(buf)))
	responseHead(unsafe.Pointer(&head[0]), uint32(len(head)))
	responseBodyWrite(unsafe.Pointer(&body[0]), uint32(len(body)))
	return 0
}

func main() {}
