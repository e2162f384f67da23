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

// exchange is what serving one request allocates: the request a handler
// sees, its URL and the response writer, in one allocation. Go compiled to
// WebAssembly runs several times slower than native code, and every
// allocation and map operation shows in a function's throughput.
type exchange struct {
	req http.Request
	url url.URL
	w   responseWriter
	// values backs the request's header values, one per header line,
	// when there are few enough.
	values [8]string
}

//go:wasmexport wasmpages_handle
func handle() (result int32) {
	x := new(exchange)
	w := &x.w
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
	r, err := incomingRequest(x)
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
// request head, in x. The head is converted to a string once and every
// field is a substring of it, and ordinary URLs are split by hand instead
// of going through url.Parse.
func incomingRequest(x *exchange) (*http.Request, error) {
	b, code := readHead(&headBuf, func(p unsafe.Pointer, n uint32) int32 { return requestHead(p, n) })
	if code < 0 {
		return nil, &hostError{"request_head", code}
	}
	d := headDecoder{s: string(b)}
	method, rawURL := d.next(), d.next()
	header := d.header(x.values[:0], "Host")
	if d.err != nil {
		return nil, d.err
	}
	u, requestURI, err := parseURL(&x.url, rawURL)
	if err != nil {
		return nil, err
	}
	r := &x.req
	*r = http.Request{
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

// header decodes the name and value pairs that remain, leaving out the
// header named skip (canonical) if not empty: a request's Host, which
// net/http's server moves to Request.Host. The values share one backing
// array, values if it has the capacity, a one-element slice each unless a
// name repeats.
func (d *headDecoder) header(values []string, skip string) http.Header {
	n := d.pairs()
	header := make(http.Header, n)
	if n > cap(values) {
		values = make([]string, n)
	}
	values = values[:n]
	for i := 0; d.err == nil && len(d.s) > 0; i++ {
		name, value := d.next(), d.next()
		if d.err != nil {
			break // a malformed pair: pairs counted short
		}
		key := textproto.CanonicalMIMEHeaderKey(name)
		if key == skip {
			continue
		}
		vs := header[key]
		if vs == nil {
			vs = values[i : i : i+1]
		}
		header[key] = append(vs, value)
	}
	return header
}

// pairs counts the header pairs that remain, without decoding them; a
// malformed head counts short and fails when decoded.
func (d *headDecoder) pairs() int {
	n := 0
	for s := d.s; len(s) >= 4; n++ {
		for range 2 {
			if len(s) < 4 {
				return n
			}
			l := uint64(uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24)
			if l > uint64(len(s)-4) {
				return n
			}
			s = s[4+l:]
		}
	}
	return n
}

var (
	errTruncated = errors.New("malformed head: truncated")
	errPastEnd   = errors.New("malformed head: string past the end")
)

// u32 reads a little-endian u32 (a response head's status).
func (d *headDecoder) u32() uint32 {
	s := d.s
	if d.err != nil || len(s) < 4 {
		if d.err == nil {
			d.err = errTruncated
		}
		return 0
	}
	d.s = s[4:]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// next reads a string: its u32 length, then its bytes.
func (d *headDecoder) next() string {
	s := d.s
	if d.err != nil || len(s) < 4 {
		if d.err == nil {
			d.err = errTruncated
		}
		return ""
	}
	n := uint64(uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24)
	if n > uint64(len(s)-4) {
		d.err = errPastEnd
		return ""
	}
	d.s = s[4+n:]
	return s[4 : 4+n]
}

// parseURL splits the absolute URL the host sends into a *url.URL, u
// itself for an ordinary URL, and the request URI (path and query). URLs
// made only of characters that need no decoding take a fast path that
// gives what url.Parse would; anything else goes through url.Parse.
func parseURL(u *url.URL, raw string) (*url.URL, string, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	slash := strings.IndexByte(rest, '/')
	if !ok || slash < 0 || (scheme != "http" && scheme != "https") {
		return slowURL(raw)
	}
	host, uri := rest[:slash], rest[slash:]
	path, query, _ := strings.Cut(uri, "?")
	if !plain(host, &hostChars) || !plain(path, &pathChars) || strings.IndexByte(query, '#') >= 0 {
		return slowURL(raw)
	}
	*u = url.URL{Scheme: scheme, Host: host, Path: path, RawQuery: query}
	return u, uri, nil
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

func plain(s string, set *[256]bool) bool {
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
