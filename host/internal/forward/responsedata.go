package forward

import (
	"fmt"
	"io"
	"strconv"

	"github.com/valyala/fasthttp"
)

// SetResponseData puts data, the chain's shared data as the forwarded
// modules left it, in front of resp's body and announces its length in
// HeaderDataLength, so that the modules before the forward see what the
// ones after it set (empty data clears theirs). A streamed body is read
// into memory first.
func SetResponseData(resp *fasthttp.Response, data []byte) {
	resp.Header.Set(HeaderDataLength, strconv.Itoa(len(data)))
	if len(data) == 0 {
		return
	}
	body := resp.Body() // reads a body stream, if any
	withData := make([]byte, 0, len(data)+len(body))
	resp.SetBody(append(append(withData, data...), body...))
}

// HasBody reports whether the response to a request of method with status
// has a body on the wire, and so can carry data (SetResponseData): not for
// HEAD, nor with status 1xx, 204 or 304.
func HasBody(method []byte, status int) bool {
	return string(method) != fasthttp.MethodHead && status >= 200 && status != fasthttp.StatusNoContent && status != fasthttp.StatusNotModified
}

// ReadResponseData takes the shared data SetResponseData put in front of a
// forwarded response's body, streamed or not, and leaves resp with the
// body alone. It returns nil when the response carries no data, and empty
// data when the forwarded modules emptied it. method is the forwarded
// request's: a response without a body (HasBody) carries no data, whatever
// its headers say.
func ReadResponseData(resp *fasthttp.Response, method []byte) ([]byte, error) {
	v := resp.Header.Peek(HeaderDataLength)
	if len(v) == 0 {
		return nil, nil
	}
	if !HasBody(method, resp.StatusCode()) {
		resp.Header.Del(HeaderDataLength)
		return nil, nil
	}
	n, err := strconv.Atoi(string(v))
	if err != nil || n < 0 || n > MaxData {
		return nil, fmt.Errorf("forward: response data length %q out of range", v)
	}
	resp.Header.Del(HeaderDataLength)
	data := make([]byte, n)
	if stream := resp.BodyStream(); stream != nil {
		if _, err := io.ReadFull(stream, data); err != nil {
			return nil, fmt.Errorf("forward: reading the response data: %w", err)
		}
		if cl := resp.Header.ContentLength(); cl >= n {
			resp.Header.SetContentLength(cl - n)
		}
		return data, nil
	}
	body := resp.Body()
	if len(body) < n {
		return nil, fmt.Errorf("forward: reading the response data: %w", io.ErrUnexpectedEOF)
	}
	copy(data, body)
	resp.SetBody(append([]byte(nil), body[n:]...))
	return data, nil
}
