package sdk

import (
	"net/http"
	"unsafe"

	"github.com/wasmpages/wasmpages/abi"
)

// Next runs the rest of the request's chain with r, which may be the
// request the function got or a changed one (another URL, method, headers
// or body), and returns the response: the next middleware's, the route
// function's, or the static asset's at the end of the chain. A function may
// call it once per request. The caller closes the response body.
func Next(r *http.Request) (*http.Response, error) { return nextTransport.RoundTrip(r) }

var nextTransport = &transport{kind: abi.FetchNext}

// Data returns the request's data: bytes shared by every middleware and
// function of its chain (Pages' context.data), empty at first.
func Data(r *http.Request) []byte {
	buf := make([]byte, 256)
	b, code := readHead(&buf, func(p unsafe.Pointer, n uint32) int32 { return dataGet(p, n) })
	if code < 0 {
		return nil
	}
	return b
}

// SetData replaces the request's data for the rest of the chain (and for
// the middleware before, which sees it after next returns). It is capped at
// 1 MiB.
func SetData(r *http.Request, data []byte) error {
	if code := dataSet(ptr(data), uint32(len(data))); code < 0 {
		return &hostError{"data_set", code}
	}
	return nil
}

// PassThroughOnException makes a failure of this function or of any later
// one in the chain (a panic, a crash) answer the request from the static
// assets instead of with a 500, as Pages' passThroughOnException does.
func PassThroughOnException(r *http.Request) {
	passThrough()
}

// readParams reads the route parameters from the host and sets them on r
// as path values.
func readParams(r *http.Request) map[string][]string {
	b, code := readHead(&paramsBuf, func(p unsafe.Pointer, n uint32) int32 { return requestParams(p, n) })
	if code < 0 || len(b) == 0 {
		return nil
	}
	d := headDecoder{s: string(b)}
	params := map[string][]string{}
	for d.err == nil && len(d.s) > 0 {
		name := d.next()
		n := d.u32()
		var values []string
		for i := uint32(0); i < n && d.err == nil; i++ {
			values = append(values, d.next())
		}
		if d.err != nil {
			break
		}
		params[name] = values
		r.SetPathValue(name, joinSegments(values))
	}
	return params
}

var paramsBuf = make([]byte, 256)

func joinSegments(s []string) string {
	if len(s) == 1 {
		return s[0]
	}
	n := 0
	for _, v := range s {
		n += len(v) + 1
	}
	b := make([]byte, 0, n)
	for i, v := range s {
		if i > 0 {
			b = append(b, '/')
		}
		b = append(b, v...)
	}
	return string(b)
}
