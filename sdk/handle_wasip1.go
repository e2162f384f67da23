package sdk

import (
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"unsafe"

	"github.com/wasmpages/wasmpages/abi"
)

// headBuf is reused for every incoming request head.
var headBuf = make([]byte, 4096)

//go:wasmexport wasmpages_handle
func handle() int32 {
	w := &responseWriter{header: make(http.Header, 4)}
	defer func() {
		if v := recover(); v != nil {
			fmt.Fprintf(os.Stderr, "panic serving request: %v\n%s", v, debug.Stack())
			w.fail()
		}
	}()
	r, err := incomingRequest()
	if err != nil {
		fmt.Fprintf(os.Stderr, "sdk: reading the request: %v\n", err)
		w.fail()
		return 0
	}
	if handler == nil {
		http.Error(w, "no handler: call sdk.Handle in init", http.StatusInternalServerError)
	} else {
		handler.ServeHTTP(w, r)
	}
	w.finish()
	return 0
}

// incomingRequest builds the *http.Request a handler sees from the host's
// request head.
func incomingRequest() (*http.Request, error) {
	b, code := readHead(&headBuf, func(p unsafe.Pointer, n uint32) int32 { return requestHead(p, n) })
	if code < 0 {
		return nil, &hostError{"request_head", code}
	}
	d := abi.NewDecoder(b)
	method, err := d.String()
	if err != nil {
		return nil, err
	}
	rawURL, err := d.String()
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	header, err := decodeHeader(d)
	if err != nil {
		return nil, err
	}
	r := &http.Request{
		Method:     method,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     header,
		Host:       u.Host,
		RequestURI: u.RequestURI(),
		Body:       http.NoBody,
	}
	if cl := header.Get("Content-Length"); cl != "" {
		r.ContentLength, _ = strconv.ParseInt(cl, 10, 64)
	}
	if r.ContentLength != 0 || header.Get("Transfer-Encoding") != "" {
		r.Body = requestBody{}
		if cl := header.Get("Content-Length"); cl == "" {
			r.ContentLength = -1
		}
	}
	return r, nil
}

// decodeHeader decodes the header pairs that remain in d.
func decodeHeader(d *abi.Decoder) (http.Header, error) {
	header := make(http.Header, 8)
	for d.More() {
		name, err := d.Bytes()
		if err != nil {
			return nil, err
		}
		value, err := d.String()
		if err != nil {
			return nil, err
		}
		key := textproto.CanonicalMIMEHeaderKey(string(name))
		header[key] = append(header[key], value)
	}
	return header, nil
}

// requestBody reads the incoming request's body from the host.
type requestBody struct{}

func (requestBody) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n := requestBodyRead(ptr(p), uint32(len(p)))
	switch {
	case n < 0:
		return 0, &hostError{"request_body_read", n}
	case n == 0:
		return 0, io.EOF
	}
	return int(n), nil
}

func (requestBody) Close() error { return nil }
