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
		got, err := ReadResponseData(&ingress)
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

	var emptied fasthttp.Response
	emptied.SetBodyString("body")
	SetResponseData(&emptied, nil)
	if got, err := ReadResponseData(&emptied); got == nil || len(got) != 0 || err != nil || string(emptied.Body()) != "body" {
		t.Errorf("emptied data: %q, %v, body %q", got, err, emptied.Body())
	}
	var plain fasthttp.Response
	plain.SetBodyString("no data")
	if got, err := ReadResponseData(&plain); got != nil || err != nil || string(plain.Body()) != "no data" {
		t.Errorf("without data: %q, %v, body %q", got, err, plain.Body())
	}
	for _, v := range []string{"-1", "x", "2000000", "100"} {
		var bad fasthttp.Response
		bad.SetBodyString("short")
		bad.Header.Set(HeaderDataLength, v)
		if _, err := ReadResponseData(&bad); err == nil {
			t.Errorf("length %s: no error", v)
		}
	}
}
