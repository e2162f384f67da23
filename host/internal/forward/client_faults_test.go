package forward

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

func TestClientPeerDown(t *testing.T) {
	t.Parallel()
	s := NewSigner(testSecret, 0)
	addr := freeAddr(t)
	url := "http://" + addr
	clock := &fakeClock{t: time.Now()}
	c := NewClient(ClientOptions{DownFor: time.Minute})
	c.now = clock.Now
	defer c.Close()

	if c.Down(url) {
		t.Fatal("a peer never tried is down")
	}
	_, err := send(t, c, s, url, "POST", "/", testEnvelope(), nil, 0, soon())
	if !isNotSent(err) {
		t.Fatalf("no listener: err = %v, want ErrNotSent", err)
	}
	if !c.Down(url) {
		t.Fatal("the peer is not marked down after a refused connection")
	}

	// While marked, the peer is not tried, even though it is back.
	srv := startServerOn(t, addr, nil, forwardHandler(s))
	if _, err := send(t, c, s, url, "POST", "/", testEnvelope(), nil, 0, soon()); !isNotSent(err) {
		t.Fatalf("marked down: err = %v, want ErrNotSent", err)
	}
	if n := srv.accepts.Load(); n != 0 {
		t.Errorf("a peer marked down was dialled %d times", n)
	}

	clock.Add(time.Minute + time.Millisecond)
	if c.Down(url) {
		t.Fatal("the mark did not lapse after DownFor")
	}
	ex, err := send(t, c, s, url, "POST", "/", testEnvelope(), nil, 0, soon())
	if err != nil || ex.status != fasthttp.StatusOK {
		t.Fatalf("after DownFor: %v %+v", err, ex)
	}
	if n := srv.accepts.Load(); n != 1 {
		t.Errorf("%d connections after DownFor, want 1", n)
	}
}

func TestClientServerKilledInFlight(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		method      string
		reused      bool
		wantNotSent bool
	}{
		{"post on a new connection", "POST", false, false},
		{"post on a reused connection", "POST", true, false},
		{"get on a new connection", "GET", false, false},
		// The target may have started the GET, but it is idempotent and no
		// byte of the answer came back: the ingress runs it.
		{"get on a reused connection", "GET", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := NewSigner(testSecret, 0)
			var calls atomic.Int32
			started, release := make(chan struct{}), make(chan struct{})
			srv := startServer(t, func(ctx *fasthttp.RequestCtx) {
				if calls.Add(1) == 1 && tc.reused {
					forwardHandler(s)(ctx)
					return
				}
				close(started)
				<-release
			})
			t.Cleanup(func() { close(release) })
			c := NewClient(ClientOptions{})
			defer c.Close()
			if tc.reused {
				if _, err := send(t, c, s, srv.url, tc.method, "/", testEnvelope(), nil, 0, soon()); err != nil {
					t.Fatal(err)
				}
			}
			body := ""
			if tc.method == "POST" {
				body = "body"
			}
			errc := make(chan error, 1)
			go func() {
				_, err := send(t, c, s, srv.url, tc.method, "/", testEnvelope(), bytes.NewReader([]byte(body)), len(body), soon())
				errc <- err
			}()
			<-started
			srv.kill()
			err := <-errc
			switch {
			case err == nil:
				t.Fatal("Do succeeded")
			case isNotSent(err) != tc.wantNotSent:
				t.Errorf("err = %v; wraps ErrNotSent: %v, want %v", err, isNotSent(err), tc.wantNotSent)
			}
			if n := srv.accepts.Load(); n != 1 {
				t.Errorf("%d connections, want 1", n)
			}
		})
	}
}

func TestClientIdleConnectionClosed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		method      string
		body        string
		wantNotSent bool
	}{
		{"get", "GET", "", true},
		{"head", "HEAD", "", true},
		{"options", "OPTIONS", "", true},
		{"post", "POST", "", false},
		{"put", "PUT", "x", false},
		{"get whose body was sent", "GET", "a body", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := NewSigner(testSecret, 0)
			srv := startServer(t, forwardHandler(s))
			c := NewClient(ClientOptions{})
			defer c.Close()
			if _, err := send(t, c, s, srv.url, tc.method, "/", testEnvelope(), nil, 0, soon()); err != nil {
				t.Fatal(err)
			}
			srv.kill() // the pooled connection is now closed at the far end
			_, err := send(t, c, s, srv.url, tc.method, "/", testEnvelope(), bytes.NewReader([]byte(tc.body)), len(tc.body), soon())
			switch {
			case err == nil:
				t.Fatal("Do succeeded")
			case isNotSent(err) != tc.wantNotSent:
				t.Errorf("err = %v; wraps ErrNotSent: %v, want %v", err, isNotSent(err), tc.wantNotSent)
			}
			if c.Down(srv.url) {
				t.Error("a closed kept-alive connection marked the peer down")
			}
			// The next request dials, finds nothing, and marks the peer down.
			if _, err := send(t, c, s, srv.url, tc.method, "/", testEnvelope(), nil, 0, soon()); !isNotSent(err) {
				t.Errorf("next request: err = %v, want ErrNotSent", err)
			}
			if !c.Down(srv.url) {
				t.Error("the peer is not marked down after a refused connection")
			}
		})
	}
}

func TestClientDeadline(t *testing.T) {
	t.Parallel()
	s := NewSigner(testSecret, 0)
	release := make(chan struct{})
	var calls atomic.Int32
	srv := startServer(t, func(ctx *fasthttp.RequestCtx) {
		calls.Add(1)
		if string(ctx.Path()) == "/slow-body" {
			ctx.SetBodyStreamWriter(func(w *bufio.Writer) {
				w.WriteString("partial")
				w.Flush()
				<-release
			})
			return
		}
		<-release
	})
	t.Cleanup(func() { close(release) })
	c := NewClient(ClientOptions{})
	defer c.Close()

	t.Run("no answer", func(t *testing.T) {
		_, err := send(t, c, s, srv.url, "POST", "/", testEnvelope(), nil, 0, time.Now().Add(200*time.Millisecond))
		if !errors.Is(err, context.DeadlineExceeded) || isNotSent(err) {
			t.Errorf("err = %v, want a deadline error that is not ErrNotSent", err)
		}
	})
	t.Run("body cut short", func(t *testing.T) {
		ex, err := send(t, c, s, srv.url, "GET", "/slow-body", testEnvelope(), nil, 0, time.Now().Add(200*time.Millisecond))
		if err == nil {
			t.Fatalf("read %q without an error", ex.body)
		}
		if isNotSent(err) {
			t.Errorf("err = %v wraps ErrNotSent", err)
		}
	})
	t.Run("already passed", func(t *testing.T) {
		before := srv.accepts.Load()
		_, err := send(t, c, s, srv.url, "POST", "/", testEnvelope(), nil, 0, time.Now().Add(-time.Second))
		if !errors.Is(err, context.DeadlineExceeded) || isNotSent(err) {
			t.Errorf("err = %v, want a deadline error that is not ErrNotSent", err)
		}
		if srv.accepts.Load() != before {
			t.Error("a request past its deadline was sent")
		}
	})
	if c.Down(srv.url) {
		t.Error("a slow peer was marked down")
	}
}

func TestClientAllConnectionsBusy(t *testing.T) {
	t.Parallel()
	s := NewSigner(testSecret, 0)
	started, release := make(chan struct{}, 1), make(chan struct{})
	srv := startServer(t, func(ctx *fasthttp.RequestCtx) {
		started <- struct{}{}
		<-release
	})
	c := NewClient(ClientOptions{MaxConnsPerPeer: 1})
	defer c.Close()
	errc := make(chan error, 1)
	go func() {
		_, err := send(t, c, s, srv.url, "POST", "/", testEnvelope(), nil, 0, soon())
		errc <- err
	}()
	<-started
	_, err := send(t, c, s, srv.url, "POST", "/", testEnvelope(), nil, 0, soon())
	if !isNotSent(err) {
		t.Errorf("second request: err = %v, want ErrNotSent", err)
	}
	close(release)
	if err := <-errc; err != nil {
		t.Errorf("first request: %v", err)
	}
	if c.Down(srv.url) {
		t.Error("a busy peer was marked down")
	}
}
