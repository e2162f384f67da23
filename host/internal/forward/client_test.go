package forward

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// forwardHandler is a cluster listener's handler: it verifies a forwarded
// request, reads its shared data, hashes the user's body as it streams in,
// and answers with what it saw.
func forwardHandler(s *Signer) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		env, err := s.Verify(&ctx.Request, time.Now())
		if err != nil {
			ctx.Error(err.Error(), fasthttp.StatusUnauthorized)
			return
		}
		stream := ctx.RequestBodyStream()
		data, err := ReadData(stream, env)
		if err != nil {
			ctx.Error(err.Error(), fasthttp.StatusBadRequest)
			return
		}
		sum := sha256.New()
		var n int64
		if stream != nil {
			if n, err = io.Copy(sum, stream); err != nil {
				ctx.Error(err.Error(), fasthttp.StatusBadRequest)
				return
			}
		}
		h := &ctx.Response.Header
		h.Set("x-seen-data", string(data))
		h.Set("x-seen-body-sha256", hex.EncodeToString(sum.Sum(nil)))
		h.Set("x-seen-body-length", strconv.FormatInt(n, 10))
		h.Set("x-seen-method", string(ctx.Method()))
		h.Set("x-seen-uri", string(ctx.Request.Header.RequestURI()))
		h.Set("x-seen-host", string(ctx.Request.Header.Host()))
		h.Set("x-seen-user", string(ctx.Request.Header.Peek("x-user")))
		h.Set("x-seen-chain", strconv.Itoa(env.Chain))
		h.Set(HeaderFailed, "1")
		ctx.SetBodyString("ran chain[" + strconv.Itoa(env.Chain) + ":]")
	}
}

// exchange is what the ingress got back from a forward.
type exchange struct {
	status int
	header map[string]string
	body   []byte
}

// send signs a request and sends it to url through c, then reads the
// response to its end.
func send(t *testing.T, c *Client, s *Signer, url, method, uri string, env *Envelope, body io.Reader, size int, deadline time.Time) (*exchange, error) {
	t.Helper()
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseResponse(resp)
	req.Header.SetMethod(method)
	req.SetRequestURI(uri)
	req.Header.SetHost("hello.example.com")
	req.Header.Set("X-User", "kept")
	if err := s.Sign(req, env, body, size, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(url, req, resp, deadline); err != nil {
		return nil, err
	}
	defer resp.CloseBodyStream()
	ex := &exchange{status: resp.StatusCode(), header: map[string]string{}}
	for k, v := range resp.Header.All() {
		ex.header[string(k)] = string(v)
	}
	var err error
	if stream := resp.BodyStream(); stream != nil {
		ex.body, err = io.ReadAll(stream)
	} else {
		ex.body = append(ex.body, resp.Body()...)
	}
	return ex, err
}

func soon() time.Time { return time.Now().Add(30 * time.Second) }

func TestClientRoundTrip(t *testing.T) {
	s := NewSigner(testSecret, 0)
	srv := startServer(t, forwardHandler(s))
	c := NewClient(ClientOptions{})
	defer c.Close()
	for _, tc := range []struct {
		name, method, uri string
		env               func(*Envelope)
		body              string
		size              int
		header            [2]string
	}{
		{name: "post with data and body", method: "POST", uri: "/api/x?q=1", body: "hello", size: 5},
		{name: "get without data or body", method: "GET", uri: "/",
			env: func(e *Envelope) { e.Data = nil }},
		{name: "get with data", method: "GET", uri: "/items?page=2"},
		{name: "body of unknown size", method: "POST", uri: "/upload", body: "chunked along", size: -1},
		{name: "path kept as is", method: "GET", uri: "/a//b/../%2e%2e/c?x=%20&y=\xc3\xa9"},
		{name: "multipart body", method: "POST", uri: "/form", body: "--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--xx--\r\n",
			size: -2, header: [2]string{"Content-Type", "multipart/form-data; boundary=xx"}},
		{name: "expect 100-continue", method: "PUT", uri: "/big", body: "payload", size: 7,
			header: [2]string{"Expect", "100-continue"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := testEnvelope()
			if tc.env != nil {
				tc.env(env)
			}
			data := string(env.Data)
			req := fasthttp.AcquireRequest()
			defer fasthttp.ReleaseRequest(req)
			resp := fasthttp.AcquireResponse()
			defer fasthttp.ReleaseResponse(resp)
			req.Header.SetMethod(tc.method)
			req.SetRequestURI(tc.uri)
			req.Header.SetHost("hello.example.com")
			req.Header.Set("X-User", "kept")
			if tc.header[0] != "" {
				req.Header.Set(tc.header[0], tc.header[1])
			}
			if tc.size == -2 {
				tc.size = len(tc.body)
			}
			if err := s.Sign(req, env, bytes.NewReader([]byte(tc.body)), tc.size, time.Now()); err != nil {
				t.Fatal(err)
			}
			if err := c.Do(srv.url, req, resp, soon()); err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.BodyStream())
			if err != nil {
				t.Fatal(err)
			}
			resp.CloseBodyStream()
			if resp.StatusCode() != fasthttp.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode(), body)
			}
			sum := sha256.Sum256([]byte(tc.body))
			for name, want := range map[string]string{
				"x-seen-data":        data,
				"x-seen-body-sha256": hex.EncodeToString(sum[:]),
				"x-seen-method":      tc.method,
				"x-seen-uri":         tc.uri,
				"x-seen-host":        "hello.example.com",
				"x-seen-user":        "kept",
				"x-seen-chain":       "2",
			} {
				if got := string(resp.Header.Peek(name)); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			if string(body) != "ran chain[2:]" {
				t.Errorf("body = %q", body)
			}
			if string(resp.Header.Peek(HeaderFailed)) != "1" {
				t.Errorf("the target's %s did not come through", HeaderFailed)
			}
			StripResponse(&resp.Header)
			if v := resp.Header.Peek(HeaderFailed); v != nil {
				t.Errorf("%s = %q after StripResponse", HeaderFailed, v)
			}
		})
	}
	if n := srv.accepts.Load(); n != 1 {
		t.Errorf("%d connections for sequential requests, want 1", n)
	}
}

func TestClientStreams64MiB(t *testing.T) {
	// Not parallel: it measures the process's heap.
	const size = 64 << 20
	s := NewSigner(testSecret, 0)
	srv := startServer(t, func(ctx *fasthttp.RequestCtx) {
		forwardHandler(s)(ctx)
		if ctx.Response.StatusCode() == fasthttp.StatusOK {
			ctx.SetBodyStream(newPattern(size, 2), size)
		}
	})
	c := NewClient(ClientOptions{})
	defer c.Close()
	wantUp := patternSHA256(t, size, 1)
	wantDown := patternSHA256(t, size, 2)

	for _, tc := range []struct {
		name string
		size int
	}{
		{"known size", size},
		{"unknown size", -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			peak := watchHeap(t)
			req := fasthttp.AcquireRequest()
			defer fasthttp.ReleaseRequest(req)
			resp := fasthttp.AcquireResponse()
			defer fasthttp.ReleaseResponse(resp)
			req.Header.SetMethod("POST")
			req.SetRequestURI("/upload")
			req.Header.SetHost("hello.example.com")
			if err := s.Sign(req, testEnvelope(), newPattern(size, 1), tc.size, time.Now()); err != nil {
				t.Fatal(err)
			}
			if err := c.Do(srv.url, req, resp, time.Now().Add(2*time.Minute)); err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode() != fasthttp.StatusOK {
				t.Fatalf("status %d", resp.StatusCode())
			}
			h := sha256.New()
			n, err := io.Copy(h, resp.BodyStream())
			resp.CloseBodyStream()
			if err != nil {
				t.Fatal(err)
			}
			if got := string(resp.Header.Peek("x-seen-body-sha256")); got != wantUp {
				t.Errorf("the target hashed the request body to %s, want %s", got, wantUp)
			}
			if got := hex.EncodeToString(h.Sum(nil)); n != size || got != wantDown {
				t.Errorf("response body: %d bytes hashing to %s, want %d bytes, %s", n, got, size, wantDown)
			}
			if grew := peak(); grew > 16<<20 {
				t.Errorf("the heap grew by %d MiB while 64 MiB went each way", grew>>20)
			}
		})
	}
}

func TestClientReusesConnections(t *testing.T) {
	t.Parallel()
	s := NewSigner(testSecret, 0)
	srv := startServer(t, forwardHandler(s))
	c := NewClient(ClientOptions{})
	defer c.Close()
	for i := range 100 {
		body := fmt.Sprintf("request %d", i)
		ex, err := send(t, c, s, srv.url, "POST", "/n", testEnvelope(), bytes.NewReader([]byte(body)), len(body), soon())
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		if ex.status != fasthttp.StatusOK {
			t.Fatalf("request %d: status %d: %s", i, ex.status, ex.body)
		}
	}
	if n := srv.accepts.Load(); n > 2 {
		t.Errorf("100 sequential requests opened %d connections", n)
	}
}

func TestClientConcurrent(t *testing.T) {
	t.Parallel()
	const workers, each = 8, 25
	s := NewSigner(testSecret, 0)
	srv := startServer(t, forwardHandler(s))
	c := NewClient(ClientOptions{})
	defer c.Close()
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				env := testEnvelope()
				env.Data = fmt.Appendf(nil, "data %d/%d", w, i)
				env.Chain = i % 3
				body := fmt.Sprintf("body %d/%d", w, i)
				ex, err := send(t, c, s, srv.url, "POST", "/c", env, bytes.NewReader([]byte(body)), len(body), soon())
				switch {
				case err != nil:
					errs <- err
				case ex.header["X-Seen-Data"] != string(env.Data) || ex.header["X-Seen-Chain"] != strconv.Itoa(env.Chain):
					errs <- fmt.Errorf("sent data %q chain %d, the target saw %q %q", env.Data, env.Chain,
						ex.header["X-Seen-Data"], ex.header["X-Seen-Chain"])
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := srv.accepts.Load(); n > workers {
		t.Errorf("%d workers opened %d connections", workers, n)
	}
}

func TestClientTLS(t *testing.T) {
	t.Parallel()
	cert, roots := selfSigned(t)
	s := NewSigner(testSecret, 0)
	srv := startServerOn(t, "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}}, forwardHandler(s))

	t.Run("trusted", func(t *testing.T) {
		c := NewClient(ClientOptions{TLSConfig: &tls.Config{RootCAs: roots}})
		defer c.Close()
		for i := range 10 {
			ex, err := send(t, c, s, srv.url, "POST", "/tls", testEnvelope(), bytes.NewReader([]byte("secret")), 6, soon())
			if err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
			if ex.status != fasthttp.StatusOK || ex.header["X-Seen-User"] != "kept" {
				t.Fatalf("request %d: status %d, headers %v", i, ex.status, ex.header)
			}
		}
	})
	if n := srv.accepts.Load(); n != 1 {
		t.Errorf("%d connections for 10 sequential requests, want 1", n)
	}
	t.Run("untrusted", func(t *testing.T) {
		c := NewClient(ClientOptions{})
		defer c.Close()
		_, err := send(t, c, s, srv.url, "POST", "/tls", testEnvelope(), nil, 0, soon())
		if !isNotSent(err) {
			t.Errorf("err = %v, want ErrNotSent", err)
		}
		if !c.Down(srv.url) {
			t.Error("a failed handshake did not mark the peer down")
		}
	})
}

func TestClientBadURL(t *testing.T) {
	t.Parallel()
	s := NewSigner(testSecret, 0)
	c := NewClient(ClientOptions{})
	defer c.Close()
	for _, url := range []string{"", "ftp://10.0.0.1:21", "http://", "http://10.0.0.1:7443/cluster", "http://u:p@10.0.0.1", "10.0.0.1:7443", "http://%zz"} {
		t.Run(url, func(t *testing.T) {
			if _, err := send(t, c, s, url, "GET", "/", testEnvelope(), nil, 0, soon()); !isNotSent(err) {
				t.Errorf("err = %v, want ErrNotSent", err)
			}
		})
	}
}

func TestClientClose(t *testing.T) {
	t.Parallel()
	s := NewSigner(testSecret, 0)
	srv := startServer(t, forwardHandler(s))
	c := NewClient(ClientOptions{})
	if _, err := send(t, c, s, srv.url, "GET", "/", testEnvelope(), nil, 0, soon()); err != nil {
		t.Fatal(err)
	}
	c.Close()
	if _, err := send(t, c, s, srv.url, "GET", "/", testEnvelope(), nil, 0, soon()); !isNotSent(err) {
		t.Errorf("after Close: err = %v, want ErrNotSent", err)
	}
}
