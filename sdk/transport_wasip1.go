package sdk

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"unsafe"

	"github.com/wasmpages/wasmpages/abi"
)

func init() {
	http.DefaultTransport = &transport{kind: abi.FetchNetwork}
}

// AssetsTransport sends requests to the project's asset server; only the
// path and query of a request's URL matter.
var AssetsTransport http.RoundTripper = &transport{kind: abi.FetchAssets}

// transport is an http.RoundTripper that sends each request through the
// host's fetch.
type transport struct {
	kind abi.FetchKind
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
	}
	head := abi.AppendString(nil, req.Method)
	head = abi.AppendString(head, req.URL.String())
	if req.Host != "" && req.Host != req.URL.Host {
		head = abi.AppendString(head, "Host")
		head = abi.AppendString(head, req.Host)
	}
	for name, values := range req.Header {
		for _, v := range values {
			head = abi.AppendString(head, name)
			head = abi.AppendString(head, v)
		}
	}
	h := fetch(int32(t.kind), ptr(head), uint32(len(head)), ptr(body), uint32(len(body)))
	if h < 0 {
		return nil, fmt.Errorf("sdk: fetch %s: %s", req.URL.Redacted(), abi.ErrorText(h))
	}
	buf := make([]byte, 1024)
	b, code := readHead(&buf, func(p unsafe.Pointer, n uint32) int32 { return fetchHead(h, p, n) })
	if code < 0 {
		fetchClose(h)
		return nil, &hostError{"fetch_head", code}
	}
	d := headDecoder{s: string(b)}
	status := d.u32()
	header := d.header(nil, "")
	if d.err != nil {
		fetchClose(h)
		return nil, d.err
	}
	resp := &http.Response{
		Status:        strconv.Itoa(int(status)) + " " + http.StatusText(int(status)),
		StatusCode:    int(status),
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        header,
		Body:          &fetchBody{handle: h},
		ContentLength: -1,
		Request:       req,
	}
	if cl := header["Content-Length"]; len(cl) > 0 {
		if n, err := strconv.ParseInt(cl[0], 10, 64); err == nil {
			resp.ContentLength = n
		}
	}
	return resp, nil
}

// fetchBody reads a subrequest's response body from the host.
type fetchBody struct {
	handle int32
	closed bool
}

func (b *fetchBody) Read(p []byte) (int, error) {
	if b.closed {
		return 0, io.ErrClosedPipe
	}
	if len(p) == 0 {
		return 0, nil
	}
	n := fetchBodyRead(b.handle, ptr(p), uint32(len(p)))
	switch {
	case n < 0:
		return 0, &hostError{"fetch_body_read", n}
	case n == 0:
		return 0, io.EOF
	}
	return int(n), nil
}

func (b *fetchBody) Close() error {
	if !b.closed {
		b.closed = true
		fetchClose(b.handle)
	}
	return nil
}
