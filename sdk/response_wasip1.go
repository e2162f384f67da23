package sdk

import (
	"fmt"
	"net/http"
	"os"

	"github.com/wasmpages/wasmpages/abi"
)

// flushSize is how much body the writer buffers before handing it to the host.
const flushSize = 32 << 10

// bodyBuf and encBuf are reused across requests (an instance serves one
// request at a time).
var bodyBuf = make([]byte, 0, flushSize)
var encBuf = make([]byte, 0, 1024)

// responseWriter is the http.ResponseWriter a handler gets. It buffers the
// body and sends the head with the first flush, so Content-Type can be
// sniffed as net/http does.
type responseWriter struct {
	header      http.Header
	status      int
	wroteHeader bool
	headSent    bool
	err         error
}

func (w *responseWriter) Header() http.Header {
	if w.header == nil {
		w.header = make(http.Header, 4)
	}
	return w.header
}

func (w *responseWriter) WriteHeader(status int) {
	if w.wroteHeader {
		return
	}
	if status < 100 || status > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", status))
	}
	w.wroteHeader = true
	w.status = status
}

func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if w.err != nil {
		return 0, w.err
	}
	if len(bodyBuf)+len(p) > flushSize {
		w.sendHead(len(bodyBuf)+len(p) > 0) // the body starts here, or with p
		w.flush()
		if w.err != nil {
			return 0, w.err
		}
		if len(p) > flushSize {
			w.write(p)
			return len(p), w.err
		}
	}
	bodyBuf = append(bodyBuf, p...)
	return len(p), nil
}

// Flush hands the buffered body to the host.
func (w *responseWriter) Flush() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	w.flush()
}

func (w *responseWriter) flush() {
	w.sendHead(len(bodyBuf) > 0)
	if len(bodyBuf) > 0 {
		w.write(bodyBuf)
		bodyBuf = bodyBuf[:0]
	}
}

func (w *responseWriter) write(p []byte) {
	if w.err != nil {
		return
	}
	if code := responseBodyWrite(ptr(p), uint32(len(p))); code < 0 {
		w.err = &hostError{"response_body_write", code}
	}
}

// sendHead sends the response head, once; body says whether a body
// follows it.
func (w *responseWriter) sendHead(body bool) {
	if w.headSent {
		return
	}
	w.headSent = true
	// Without a Content-Type, net/http sniffs one from the body; the host
	// does the same, natively, when asked.
	status := uint32(w.status)
	if _, ok := w.header["Content-Type"]; !ok && body && w.header.Get("Transfer-Encoding") == "" {
		status |= abi.SniffContentType
	}
	enc := encodeResponseHead(encBuf[:0], status, w.header)
	if code := responseHead(ptr(enc), uint32(len(enc))); code < 0 {
		w.err = &hostError{"response_head", code}
	}
	encBuf = enc[:0]
}

// finish completes the response after the handler returns.
func (w *responseWriter) finish() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	w.flush()
	if w.err != nil {
		fmt.Fprintf(os.Stderr, "sdk: writing the response: %v\n", w.err)
	}
}

// fail answers 500 if nothing was sent yet; otherwise the response is cut
// short where it stands.
func (w *responseWriter) fail() {
	bodyBuf = bodyBuf[:0]
	if w.headSent {
		return
	}
	w.header = http.Header{"Content-Type": {"text/plain; charset=utf-8"}}
	w.status = http.StatusInternalServerError
	w.wroteHeader = true
	bodyBuf = append(bodyBuf, "Internal Server Error\n"...)
	w.flush()
}

func encodeResponseHead(dst []byte, status uint32, header http.Header) []byte {
	dst = append(dst, byte(status), byte(status>>8), byte(status>>16), byte(status>>24))
	for name, values := range header {
		for _, v := range values {
			dst = abi.AppendString(dst, name)
			dst = abi.AppendString(dst, v)
		}
	}
	return dst
}
