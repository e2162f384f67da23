package netem

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name    string
		rtt     map[[2]string]time.Duration
		opts    []Option
		wantErr []string // substrings of the error; none means success
	}{
		{name: "complete", rtt: map[[2]string]time.Duration{{"a", "b"}: 10 * time.Millisecond, {"b", "c"}: 0, {"c", "a"}: time.Second}},
		{name: "empty", rtt: nil},
		{name: "both orders agree", rtt: map[[2]string]time.Duration{{"a", "b"}: 10 * time.Millisecond, {"b", "a"}: 10 * time.Millisecond}},
		{name: "missing pairs named", rtt: map[[2]string]time.Duration{{"a", "b"}: 1, {"c", "c"}: 1},
			wantErr: []string{`no round-trip time between "a" and "c"`, `no round-trip time between "b" and "c"`}},
		{name: "default fills missing pairs", rtt: map[[2]string]time.Duration{{"a", "b"}: 1, {"c", "c"}: 1}, opts: []Option{DefaultRTT(time.Millisecond)}},
		{name: "negative", rtt: map[[2]string]time.Duration{{"a", "b"}: -time.Millisecond},
			wantErr: []string{`negative round-trip time -1ms between "a" and "b"`}},
		{name: "orders disagree", rtt: map[[2]string]time.Duration{{"a", "b"}: time.Millisecond, {"b", "a"}: 2 * time.Millisecond},
			wantErr: []string{`round-trip time between "a" and "b" given twice: 1ms and 2ms`}},
		{name: "negative default", opts: []Option{DefaultRTT(-1)}, wantErr: []string{"negative default round-trip time"}},
		{name: "negative unbound", opts: []Option{UnboundRTT(-1)}, wantErr: []string{"negative round-trip time -1ns to unbound addresses"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := New(tt.rtt, tt.opts...)
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				for k, want := range tt.rtt {
					if got, ok := n.RTT(k[1], k[0]); !ok || got != want {
						t.Errorf("RTT(%q, %q) = %v, %t; want %v, true", k[1], k[0], got, ok, want)
					}
				}
				return
			}
			if err == nil {
				t.Fatalf("New succeeded, want an error with %q", tt.wantErr)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if got := len(strings.Split(err.Error(), "\n")); got != len(tt.wantErr) {
				t.Errorf("error has %d lines, want %d: %v", got, len(tt.wantErr), err)
			}
		})
	}
}

func TestRTT(t *testing.T) {
	n, err := New(map[[2]string]time.Duration{{"a", "b"}: 30 * time.Millisecond, {"b", "b"}: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	withDefault, err := New(nil, DefaultRTT(7*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		n      *Net
		a, b   string
		want   time.Duration
		wantOK bool
	}{
		{"set", n, "a", "b", 30 * time.Millisecond, true},
		{"symmetric", n, "b", "a", 30 * time.Millisecond, true},
		{"same place", n, "a", "a", 0, true},
		{"same place set", n, "b", "b", time.Millisecond, true},
		{"unknown pair", n, "a", "c", 0, false},
		{"default", withDefault, "x", "y", 7 * time.Millisecond, true},
		{"default not for same place", withDefault, "x", "x", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.n.RTT(tt.a, tt.b)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("RTT(%q, %q) = %v, %t; want %v, %t", tt.a, tt.b, got, ok, tt.want, tt.wantOK)
			}
		})
	}

	n.SetRTT("c", "a", 5*time.Millisecond)
	if got, ok := n.RTT("a", "c"); !ok || got != 5*time.Millisecond {
		t.Errorf("after SetRTT, RTT(a, c) = %v, %t; want 5ms, true", got, ok)
	}
}

func TestSetRTTNegativePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("SetRTT with a negative time did not panic")
		}
	}()
	testNet(t).SetRTT("a", "db", -time.Millisecond)
}

func TestBindPlace(t *testing.T) {
	n := testNet(t)
	n.Bind("db", "127.0.0.1:5432")
	n.Bind("db", "[::1]:5432")
	n.Bind("api", "api.internal:443")
	tests := []struct {
		addr   string
		want   string
		wantOK bool
	}{
		{"127.0.0.1:5432", "db", true},
		{"[::ffff:127.0.0.1]:5432", "db", true},
		{"[0:0::1]:5432", "db", true},
		{"api.internal:443", "api", true},
		{"127.0.0.1:5433", "", false},
		{"localhost:5432", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			got, ok := n.Place(tt.addr)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Place(%q) = %q, %t; want %q, %t", tt.addr, got, ok, tt.want, tt.wantOK)
			}
		})
	}

	n.Bind("a", "127.0.0.1:5432")
	if got, _ := n.Place("127.0.0.1:5432"); got != "a" {
		t.Errorf("after binding again, Place = %q, want a", got)
	}
}

func TestDialDelays(t *testing.T) {
	n := testNet(t)
	l, err := n.Listen("db")
	if err != nil {
		t.Fatal(err)
	}
	addr := startEcho(t, l)
	if place, ok := n.Place(addr); !ok || place != "db" {
		t.Fatalf("Place(%s) = %q, %t; want db, true", addr, place, ok)
	}

	start := time.Now()
	c := dial(t, n.Dial("a"), addr)
	if connect := time.Since(start); connect < testRTT {
		t.Errorf("connect took %v, want at least one round trip (%v)", connect, testRTT)
	}
	if d := roundTrip(t, c); d < testRTT {
		t.Errorf("round trip took %v, want at least %v", d, testRTT)
	}

	start = time.Now()
	for range 5 {
		roundTrip(t, c)
	}
	if d := time.Since(start); d < 5*testRTT {
		t.Errorf("5 sequential round trips took %v, want at least %v", d, 5*testRTT)
	}

	// Compared with the same server dialed without emulation, in the same
	// run, each round trip costs about one RTT more.
	plain := dial(t, func(addr string) (net.Conn, error) { return net.Dial("tcp", addr) }, addr)
	roundTrip(t, plain)
	delayed, undelayed := fastest(t, c, 5), fastest(t, plain, 5)
	if extra := delayed - undelayed; extra < testRTT-time.Millisecond || extra > testRTT+30*time.Millisecond {
		t.Errorf("a round trip took %v emulated and %v plain: %v more, want about %v more", delayed, undelayed, extra, testRTT)
	}
}

func TestDialUnbound(t *testing.T) {
	addr := startEcho(t, listen(t))

	t.Run("no delay by default", func(t *testing.T) {
		c := dial(t, testNet(t).Dial("a"), addr)
		// The connection is the real one, with nothing in between.
		if _, ok := c.(*net.TCPConn); !ok {
			t.Errorf("dialing an unbound address returned a %T, want the *net.TCPConn itself", c)
		}
		roundTrip(t, c)
	})
	t.Run("UnboundRTT", func(t *testing.T) {
		n, err := New(nil, UnboundRTT(testRTT))
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		c := dial(t, n.Dial("a"), addr)
		if connect := time.Since(start); connect < testRTT {
			t.Errorf("connect took %v, want at least %v", connect, testRTT)
		}
		if d := roundTrip(t, c); d < testRTT {
			t.Errorf("round trip took %v, want at least %v", d, testRTT)
		}
	})
}

func TestDialByConnectedAddress(t *testing.T) {
	// An address dialed by host name is found by the address it connects to.
	n := testNet(t)
	l, err := n.Listen("db")
	if err != nil {
		t.Fatal(err)
	}
	addr := startEcho(t, l)
	_, port, _ := net.SplitHostPort(addr)
	start := time.Now()
	c := dial(t, n.Dial("a"), net.JoinHostPort("localhost", port))
	if connect := time.Since(start); connect < testRTT {
		t.Errorf("connect to localhost:%s took %v, want at least %v", port, connect, testRTT)
	}
	if d := roundTrip(t, c); d < testRTT {
		t.Errorf("round trip took %v, want at least %v", d, testRTT)
	}
}

func TestDialErrors(t *testing.T) {
	t.Run("no round-trip time", func(t *testing.T) {
		n := testNet(t)
		l, err := n.Listen("elsewhere")
		if err != nil {
			t.Fatal(err)
		}
		addr := startEcho(t, l)
		_, err = n.Dial("a")(addr)
		if !errors.Is(err, ErrNoRTT) {
			t.Fatalf("dial = %v, want an error wrapping ErrNoRTT", err)
		}
		if want := `no round-trip time between "a" and "elsewhere"`; !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	})
	t.Run("refused after a round trip", func(t *testing.T) {
		n := testNet(t)
		l := listen(t)
		addr := l.Addr().String()
		l.Close()
		n.Bind("db", addr)
		start := time.Now()
		if _, err := n.Dial("a")(addr); err == nil {
			t.Fatal("dialing a closed port succeeded")
		}
		if d := time.Since(start); d < testRTT {
			t.Errorf("refused after %v, want after one round trip (%v)", d, testRTT)
		}
	})
	t.Run("context ends before the connect", func(t *testing.T) {
		n := testNet(t)
		n.SetRTT("a", "db", 10*time.Second)
		l, err := n.Listen("db")
		if err != nil {
			t.Fatal(err)
		}
		addr := startEcho(t, l)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		_, err = n.Dialer("a")(ctx, "tcp", addr)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("dial = %v, want context.DeadlineExceeded", err)
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("dial error %v is not a timeout net.Error", err)
		}
	})
}

func TestSetRTTMidRun(t *testing.T) {
	n := testNet(t)
	l, err := n.Listen("db")
	if err != nil {
		t.Fatal(err)
	}
	addr := startEcho(t, l)
	c := dial(t, n.Dial("a"), addr)
	if d := roundTrip(t, c); d < testRTT {
		t.Errorf("round trip before the change took %v, want at least %v", d, testRTT)
	}

	const moved = 120 * time.Millisecond
	n.SetRTT("db", "a", moved)
	if d := roundTrip(t, c); d < moved {
		t.Errorf("round trip on the open connection after the change took %v, want at least %v", d, moved)
	}
	start := time.Now()
	dial(t, n.Dial("a"), addr)
	if d := time.Since(start); d < moved {
		t.Errorf("new connect after the change took %v, want at least %v", d, moved)
	}

	// Bytes sent before a shorter RTT are not overtaken by bytes sent after.
	n.SetRTT("a", "db", moved)
	if _, err := c.Write([]byte("first ")); err != nil {
		t.Fatal(err)
	}
	n.SetRTT("a", "db", 0)
	if _, err := c.Write([]byte("second")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, len("first second"))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	if string(got) != "first second" {
		t.Errorf("echo = %q, want %q", got, "first second")
	}
}

func TestHTTPTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello from db")
	}))
	defer srv.Close()
	n := testNet(t)
	n.Bind("db", srv.Listener.Addr().String())

	tr := &http.Transport{DialContext: n.Dialer("a")}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	get := func() (string, time.Duration) {
		t.Helper()
		start := time.Now()
		resp, err := client.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		return string(body), time.Since(start)
	}

	body, d := get()
	if body != "hello from db" {
		t.Errorf("body = %q", body)
	}
	if d < 2*testRTT {
		t.Errorf("first request took %v, want at least a connect and a round trip (%v)", d, 2*testRTT)
	}
	if body, d = get(); d < testRTT {
		t.Errorf("request on a kept-alive connection took %v, want at least %v", d, testRTT)
	}
	if body != "hello from db" {
		t.Errorf("body = %q", body)
	}
}

func TestFasthttpDial(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "hello from db")
	}))
	defer srv.Close()
	n := testNet(t)
	n.Bind("db", srv.Listener.Addr().String())

	hc := &fasthttp.HostClient{Addr: srv.Listener.Addr().String(), Dial: n.Dial("a")}
	defer hc.CloseIdleConnections()
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(srv.URL)
	start := time.Now()
	if err := hc.Do(req, resp); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 2*testRTT {
		t.Errorf("request took %v, want at least %v", d, 2*testRTT)
	}
	if got := string(resp.Body()); got != "hello from db" {
		t.Errorf("body = %q", got)
	}
}
