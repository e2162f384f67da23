package sdk

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"unsafe"
)

// headBuf is reused for every incoming request head.
var headBuf = make([]byte, 4096)

//go:wasmexport wasmpages_handle
func handle() (result int32) {
	w := &responseWriter{header: make(http.Header, 4)}
	current.params = nil
	defer func() {
		if v := recover(); v != nil {
			// The invocation fails: the host answers 500, or the assets if
			// a module of the chain asked for pass-through, and starts a
			// fresh instance for the next request.
			fmt.Fprintf(os.Stderr, "panic serving request: %v\n%s", v, debug.Stack())
			bodyBuf = bodyBuf[:0]
			result = 1
		}
	}()
	r, err := incomingRequest()
	if err != nil {
		fmt.Fprintf(os.Stderr, "sdk: reading the request: %v\n", err)
		w.fail()
		return 0
	}
	current.params = readParams(r)
	h := methodHandler(r.Method)
	switch {
	case h != nil:
		h.ServeHTTP(w, r)
	case len(methodHandlers) > 0:
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	default:
		http.Error(w, "no handler: call sdk.Handle in init", http.StatusInternalServerError)
	}
	w.finish()
	return 0
}

// incomingRequest builds the *http.Request a handler sees from the host's
// request head. Go compiled to WebAssembly runs several times slower than
// native code and every allocation counts, so the head is converted to a
// string once and every field is a substring of it, and ordinary URLs are
// split by hand instead of going through url.Parse.
func incomingRequest() (*http.Request, error) {
	b, code := readHead(&headBuf, func(p unsafe.Pointer, n uint32) int32 { return requestHead(p, n) })
	if code < 0 {
		return nil, &hostError{"request_head", code}
	}
	d := headDecoder{s: string(b)}
	method, rawURL := d.next(), d.next()
	header := d.header()
	if d.err != nil {
		return nil, d.err
	}
	u, requestURI, err := parseURL(rawURL)
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
		RequestURI: requestURI,
		Body:       http.NoBody,
	}
	cl := header["Content-Length"]
	if len(cl) > 0 {
		r.ContentLength, _ = strconv.ParseInt(cl[0], 10, 64)
	}
	if r.ContentLength != 0 || len(header["Transfer-Encoding"]) > 0 {
		r.Body = requestBody{}
		if len(cl) == 0 {
			r.ContentLength = -1
		}
	}
	return r, nil
}

// headDecoder reads the length-prefixed strings of a head (see abi) as
// substrings of s. Errors stick.
type headDecoder struct {
	s   string
	err error
}

// header decodes the name and value pairs that remain.
func (d *headDecoder) header() http.Header {
	header := make(http.Header, 8)
	for d.err == nil && len(d.s) > 0 {
		name, value := d.next(), d.next()
		key := textproto.CanonicalMIMEHeaderKey(name)
		header[key] = append(header[key], value)
	}
	return header
}

// u32 reads a little-endian u32 (a response head's status).
func (d *headDecoder) u32() uint32 {
	if d.err == nil && len(d.s) < 4 {
		d.err = errors.New("malformed head: truncated")
	}
	if d.err != nil {
		return 0
	}
	v := uint32(d.s[0]) | uint32(d.s[1])<<8 | uint32(d.s[2])<<16 | uint32(d.s[3])<<24
	d.s = d.s[4:]
	return v
}

func (d *headDecoder) next() string {
	if d.err != nil {
		return ""
	}
	n := d.u32()
	if d.err == nil && uint64(n) > uint64(len(d.s)) {
		d.err = errors.New("malformed head: string past the end")
	}
	if d.err != nil {
		return ""
	}
	v := d.s[:n]
	d.s = d.s[n:]
	return v
}

// parseURL splits the absolute URL the host sends into a *url.URL and the
// request URI (path and query). URLs made only of characters that need no
// decoding take a fast path that gives what url.Parse would; anything else
// goes through url.Parse.
func parseURL(raw string) (*url.URL, string, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	slash := strings.IndexByte(rest, '/')
	if !ok || slash < 0 || (scheme != "http" && scheme != "https") {
		return slowURL(raw)
	}
	host, uri := rest[:slash], rest[slash:]
	path, query, _ := strings.Cut(uri, "?")
	if !plain(host, hostChars) || !plain(path, pathChars) || strings.IndexByte(query, '#') >= 0 {
		return slowURL(raw)
	}
	return &url.URL{Scheme: scheme, Host: host, Path: path, RawQuery: query}, uri, nil
}

func slowURL(raw string) (*url.URL, string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, "", err
	}
	return u, u.RequestURI(), nil
}

// Byte sets for parseURL's fast path: characters that url.Parse keeps as
// they are.
var (
	hostChars = charSet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:")
	pathChars = charSet("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/!$&'()*+,;=:@")
)

func charSet(s string) (set [256]bool) {
	for i := 0; i < len(s); i++ {
		set[s[i]] = true
	}
	return set
}

func plain(s string, set [256]bool) bool {
	for i := 0; i < len(s); i++ {
		if !set[s[i]] {
			return false
		}
	}
	return true
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
