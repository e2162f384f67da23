package forward

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// Data put in front of a response comes off it whole, the body after it
// intact, whether the body is in memory or streamed; emptied data comes
// off empty, not absent; a response without data is left as it is; a bad
// length is an error.
func TestResponseData(t *testing.T) {
	data := []byte("queries=5")
	for _, streamed := range []bool{false, true} {
		var target fasthttp.Response
		if streamed {
			target.SetBodyStream(strings.NewReader("the body"), len("the body"))
		} else {
			target.SetBodyString("the body")
		}
		SetResponseData(&target, data)

		// What the ingress reads: the target's response over the wire.
		var wire bytes.Buffer
		w := bufio.NewWriter(&wire)
		if err := target.Write(w); err != nil || w.Flush() != nil {
			t.Fatal(err)
		}
		var ingress fasthttp.Response
		ingress.StreamBody = streamed
		if err := ingress.Read(bufio.NewReader(&wire)); err != nil {
			t.Fatal(err)
		}
		got, err := ReadResponseData(&ingress, []byte("GET"))
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("streamed %v: data %q, %v", streamed, got, err)
		}
		body := ingress.Body()
		if stream := ingress.BodyStream(); stream != nil {
			body, _ = io.ReadAll(stream)
		}
		if string(body) != "the body" || len(ingress.Header.Peek(HeaderDataLength)) > 0 {
			t.Errorf("streamed %v: body %q, header %q", streamed, body, ingress.Header.Peek(HeaderDataLength))
		}
	}

	for _, tt := range []struct {
		method string
		status int
		body   bool
	}{{"GET", 200, true}, {"POST", 404, true}, {"HEAD", 200, false}, {"GET", 204, false}, {"GET", 304, false}, {"GET", 101, false}} {
		if got := HasBody([]byte(tt.method), tt.status); got != tt.body {
			t.Errorf("HasBody(%s, %d) = %v", tt.method, tt.status, got)
		}
	}

	// A response that has no body carries no data, whatever it says.
	for _, tt := range []struct {
		method string
		status int
	}{{"HEAD", 200}, {"GET", 304}, {"GET", 204}} {
		var bodyless fasthttp.Response
		bodyless.SetStatusCode(tt.status)
		bodyless.Header.Set(HeaderDataLength, "9")
		if got, err := ReadResponseData(&bodyless, []byte(tt.method)); got != nil || err != nil || len(bodyless.Header.Peek(HeaderDataLength)) > 0 {
			t.Errorf("%s %d: %q, %v", tt.method, tt.status, got, err)
		}
	}

	var emptied fasthttp.Response
	emptied.SetBodyString("body")
	SetResponseData(&emptied, nil)
	if got, err := ReadResponseData(&emptied, []byte("GET")); got == nil || len(got) != 0 || err != nil || string(emptied.Body()) != "body" {
		t.Errorf("emptied data: %q, %v, body %q", got, err, emptied.Body())
	}
	var plain fasthttp.Response
	plain.SetBodyString("no data")
	if got, err := ReadResponseData(&plain, []byte("GET")); got != nil || err != nil || string(plain.Body()) != "no data" {
		t.Errorf("without data: %q, %v, body %q", got, err, plain.Body())
	}
	for _, v := range []string{"-1", "x", "2000000", "100"} {
		var bad fasthttp.Response
		bad.SetBodyString("short")
		bad.Header.Set(HeaderDataLength, v)
		if _, err := ReadResponseData(&bad, []byte("GET")); err == nil {
			t.Errorf("length %s: no error", v)
		}
	}
}
