package forward

import (
	"bufio"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestIsInternal(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"x-wasmpages-project", true},
		{"X-Wasmpages-Signature", true},
		{"X-WASMPAGES-", true},
		{"x-wasmpages-anything-new", true},
		{"x-wasmpages", false},
		{"x-wasmpage-project", false},
		{"content-type", false},
		{"", false},
		{"xx-wasmpages-project", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsInternal([]byte(tc.name)); got != tc.want {
				t.Errorf("IsInternal(%q) = %v, want %v", tc.name, got, tc.want)
			}
		})
	}
}

func TestStrip(t *testing.T) {
	// What a client could send to the public listener to pose as a node.
	raw := "POST /submit HTTP/1.1\r\n" +
		"Host: hello.example.com\r\n" +
		"X-Wasmpages-Project: hello\r\n" +
		"x-wasmpages-SIGNATURE: 00\r\n" +
		"X-WASMPAGES-CHAIN: 1\r\n" +
		"X-Wasmpages-Chain: 2\r\n" +
		"X-Custom: kept\r\n" +
		"Content-Type: text/plain\r\n" +
		"Content-Length: 2\r\n" +
		"\r\nhi"
	var req fasthttp.Request
	if err := req.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
		t.Fatal(err)
	}
	Strip(&req.Header)
	for k := range req.Header.All() {
		if IsInternal(k) {
			t.Errorf("internal header %s survived Strip", k)
		}
	}
	for _, name := range []string{HeaderProject, HeaderSignature, HeaderChain} {
		if v := req.Header.Peek(name); v != nil {
			t.Errorf("%s = %q after Strip", name, v)
		}
	}
	if got := string(req.Header.Peek("X-Custom")); got != "kept" {
		t.Errorf("X-Custom = %q, want kept", got)
	}
	if got := string(req.Header.Host()); got != "hello.example.com" {
		t.Errorf("Host = %q", got)
	}
	if got := string(req.Body()); got != "hi" {
		t.Errorf("body = %q", got)
	}
}

func TestStripTrailers(t *testing.T) {
	raw := "POST /submit HTTP/1.1\r\n" +
		"Host: hello.example.com\r\n" +
		"Transfer-Encoding: chunked\r\n" +
		"Trailer: X-Wasmpages-Project, X-Checksum\r\n" +
		"\r\n" +
		"2\r\nhi\r\n0\r\n" +
		"X-Wasmpages-Project: evil\r\n" +
		"X-Checksum: 42\r\n" +
		"\r\n"
	var req fasthttp.Request
	if err := req.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
		t.Fatal(err)
	}
	if v := req.Header.Peek(HeaderProject); string(v) != "evil" {
		t.Fatalf("the trailer was not read (%q): the test proves nothing", v)
	}
	Strip(&req.Header)
	if v := req.Header.Peek(HeaderProject); v != nil {
		t.Errorf("%s = %q after Strip", HeaderProject, v)
	}
	if got := string(req.Header.Peek("X-Checksum")); got != "42" {
		t.Errorf("X-Checksum = %q, want 42", got)
	}
}

func TestStripResponse(t *testing.T) {
	raw := "HTTP/1.1 200 OK\r\n" +
		"X-Wasmpages-Failed: 1\r\n" +
		"x-wasmpages-refused: 1\r\n" +
		"Set-Cookie: a=b\r\n" +
		"X-Placement: remote-eu-west\r\n" +
		"Content-Length: 2\r\n" +
		"\r\nok"
	var resp fasthttp.Response
	if err := resp.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
		t.Fatal(err)
	}
	StripResponse(&resp.Header)
	for k := range resp.Header.All() {
		if IsInternal(k) {
			t.Errorf("internal header %s survived StripResponse", k)
		}
	}
	if got := string(resp.Header.Peek("X-Placement")); got != "remote-eu-west" {
		t.Errorf("X-Placement = %q", got)
	}
	if got := string(resp.Header.PeekCookie("a")); got == "" {
		t.Errorf("Set-Cookie lost")
	}
}
