package site

import (
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/abi"
	"github.com/wasmpages/wasmpages/host/internal/runtime"
)

// A function's response reaches the client without the headers that are
// the server's (hop-by-hop) or the nodes' (x-wasmpages-*): a function that
// copies a back end's headers cannot steer the ingress of a forward.
func TestWriteResponseDropsServerHeaders(t *testing.T) {
	c := &runtime.Call{
		ResponseHead: abi.EncodeResponseHead(nil, &abi.ResponseHead{Status: 201, Header: [][2]string{
			{"X-Kept", "yes"}, {"Connection", "close"}, {"X-Wasmpages-Failed", "1"},
			{"x-wasmpages-data-length", "4"}, {"Content-Type", "text/plain"},
		}}),
		ResponseBody: []byte("body"),
	}
	var resp fasthttp.Response
	writeResponse(&resp, c)
	if resp.StatusCode() != 201 || string(resp.Header.Peek("X-Kept")) != "yes" || string(resp.Body()) != "body" ||
		string(resp.Header.ContentType()) != "text/plain" {
		t.Fatalf("response: %s", resp.String())
	}
	for _, h := range []string{"X-Wasmpages-Failed", "X-Wasmpages-Data-Length"} {
		if v := resp.Header.Peek(h); len(v) > 0 {
			t.Errorf("%s reached the response: %q", h, v)
		}
	}
	if resp.ConnectionClose() {
		t.Error("the function closed the connection")
	}
}
