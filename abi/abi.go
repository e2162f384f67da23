package abi

// Version is the ABI version this package describes. A guest's
// wasmpages_abi_version export must return it.
const Version = 1

// ImportModule is the name of the import module that holds the host
// functions of this ABI version.
const ImportModule = "wasmpages_v1"

// Names of the guest's exports.
const (
	ExportVersion = "wasmpages_abi_version"
	ExportHandle  = "wasmpages_handle"
	ExportMemory  = "memory"
	// ExportInitialize is the WASI reactor's initializer, run once per instance.
	ExportInitialize = "_initialize"
	// ExportMethods is optional: the methods the module serves (Methods).
	ExportMethods = "wasmpages_methods"
)

// Bits of the wasmpages_methods export. A module that does not export it
// serves every method, as if it returned MethodAny.
const (
	MethodGet     int32 = 1 << 0
	MethodHead    int32 = 1 << 1
	MethodPost    int32 = 1 << 2
	MethodPut     int32 = 1 << 3
	MethodPatch   int32 = 1 << 4
	MethodDelete  int32 = 1 << 5
	MethodOptions int32 = 1 << 6
	// MethodAny: the module also has a handler for every method (Pages'
	// onRequest), used for the methods without a bit of their own.
	MethodAny int32 = -1 << 31
)

// MethodBits lists the method bits of wasmpages_methods by method name.
var MethodBits = []struct {
	Name string
	Bit  int32
}{
	{"GET", MethodGet}, {"HEAD", MethodHead}, {"POST", MethodPost}, {"PUT", MethodPut},
	{"PATCH", MethodPatch}, {"DELETE", MethodDelete}, {"OPTIONS", MethodOptions},
}

// SniffContentType is a flag of the status word of a response head set
// with response_head (the status is the low 16 bits): when the head has no
// Content-Type and the body is not empty, the host sets one from the first
// 512 bytes of the body with the WHATWG sniffing algorithm, as Go's
// net/http server does (http.DetectContentType). Other bits of the high
// 16 are reserved and ErrInvalid.
const SniffContentType uint32 = 1 << 16

// Names of the host functions in ImportModule.
const (
	FuncRequestHead       = "request_head"
	FuncRequestBodyRead   = "request_body_read"
	FuncResponseHead      = "response_head"
	FuncResponseBodyWrite = "response_body_write"
	FuncFetch             = "fetch"
	FuncFetchHead         = "fetch_head"
	FuncFetchBodyRead     = "fetch_body_read"
	FuncFetchClose        = "fetch_close"
	FuncRequestParams     = "request_params"
	FuncDataGet           = "data_get"
	FuncDataSet           = "data_set"
	FuncPassThrough       = "pass_through_on_exception"
)

// Error codes returned by host functions. Every one is negative; a result
// of zero or more is success.
const (
	// ErrFault: a pointer or length lies outside the guest's memory.
	ErrFault int32 = -1
	// ErrInvalid: an argument is malformed (a bad head, URL, status or kind).
	ErrInvalid int32 = -2
	// ErrState: the call is not valid now (response_head twice, a body
	// before the head).
	ErrState int32 = -3
	// ErrLimit: a per-invocation limit is reached (subrequests, response size).
	ErrLimit int32 = -4
	// ErrNotFound: no such handle.
	ErrNotFound int32 = -5
	// ErrNetwork: a subrequest got no response (refused, unreachable, timed out).
	ErrNetwork int32 = -6
)

// ErrorText returns a short description of an error code, for messages.
func ErrorText(code int32) string {
	switch code {
	case ErrFault:
		return "pointer out of bounds"
	case ErrInvalid:
		return "invalid argument"
	case ErrState:
		return "call not valid in this state"
	case ErrLimit:
		return "limit reached"
	case ErrNotFound:
		return "not found"
	case ErrNetwork:
		return "network error"
	}
	if code >= 0 {
		return "ok"
	}
	return "unknown error"
}

// FetchKind selects where a fetch goes.
type FetchKind int32

const (
	// FetchNetwork sends an outbound HTTP request.
	FetchNetwork FetchKind = 0
	// FetchAssets asks the project's asset server (Pages' env.ASSETS.fetch).
	FetchAssets FetchKind = 1
	// FetchNext continues the request's chain (Pages' context.next()): the
	// next middleware, the route's handler, or the asset server at the end.
	FetchNext FetchKind = 2
)
