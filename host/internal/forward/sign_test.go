package forward

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

var testNow = time.UnixMilli(1_800_000_000_123)

// signed returns a request signed by s as the cluster listener receives
// it.
func signed(t *testing.T, s *Signer, method, uri, host string, env *Envelope, body []byte) *fasthttp.Request {
	t.Helper()
	req := new(fasthttp.Request)
	req.Header.SetMethod(method)
	req.SetRequestURI(uri)
	if host != "" {
		req.Header.SetHost(host)
	}
	req.Header.Set("X-User", "kept")
	if err := s.Sign(req, env, bytes.NewReader(body), len(body), testNow); err != nil {
		t.Fatal(err)
	}
	return wire(t, req)
}

func TestSignVerify(t *testing.T) {
	for _, tc := range []struct {
		name, method, uri, host string
		env                     func(*Envelope)
		body                    string
		wantURI, wantHost       string
	}{
		{name: "post with data and body", method: "POST", uri: "/api/x?q=1", host: "hello.example.com", body: "user body"},
		{name: "get without data or body", method: "GET", uri: "/", host: "hello.example.com",
			env: func(e *Envelope) { e.Data, e.PassThrough, e.Route = nil, false, "" }},
		{name: "odd path kept as is", method: "GET", uri: "/a//b/../c/%2e%2e?x=%20&y=\xc3\xa9", host: "hello.example.com",
			env: func(e *Envelope) { e.Route = "GET /c/ü 100%\n" }},
		{name: "host from an absolute URI", method: "PUT", uri: "https://Shop.Example.com/cart", body: "x",
			wantURI: "/cart", wantHost: "shop.example.com"},
		{name: "chain position zero", method: "DELETE", uri: "/item/7", host: "h.example.com",
			env: func(e *Envelope) { e.Chain = 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSigner(testSecret, 0)
			env := testEnvelope()
			if tc.env != nil {
				tc.env(env)
			}
			sent := *env
			req := signed(t, s, tc.method, tc.uri, tc.host, env, []byte(tc.body))
			if tc.wantURI == "" {
				tc.wantURI, tc.wantHost = tc.uri, tc.host
			}
			if got := string(req.Header.RequestURI()); got != tc.wantURI {
				t.Errorf("request URI = %q, want %q", got, tc.wantURI)
			}
			if got := string(req.Header.Host()); got != tc.wantHost {
				t.Errorf("host = %q, want %q", got, tc.wantHost)
			}
			got, err := s.Verify(req, testNow.Add(time.Second))
			if err != nil {
				t.Fatal(err)
			}
			if got.Project != sent.Project || got.Deployment != sent.Deployment || got.Chain != sent.Chain ||
				got.Route != sent.Route || got.Ingress != sent.Ingress || got.PassThrough != sent.PassThrough {
				t.Errorf("verified %+v, sent %+v", got, sent)
			}
			if !got.Time.Equal(testNow) || got.Nonce != env.Nonce || len(got.Nonce) != 32 {
				t.Errorf("time %v nonce %q, want %v %q", got.Time, got.Nonce, testNow, env.Nonce)
			}
			if got.DataLength != len(sent.Data) || got.DataSHA256 != env.DataSHA256 {
				t.Errorf("data length %d sha %q, want %d %q", got.DataLength, got.DataSHA256, len(sent.Data), env.DataSHA256)
			}
			r := bytes.NewReader(req.Body())
			data, err := ReadData(r, got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(data, sent.Data) {
				t.Errorf("data = %q, want %q", data, sent.Data)
			}
			rest, _ := io.ReadAll(r)
			if string(rest) != tc.body {
				t.Errorf("body = %q, want %q", rest, tc.body)
			}
			if got := string(req.Header.Peek("X-User")); got != "kept" {
				t.Errorf("user header = %q", got)
			}
		})
	}
}

func TestSignStreamsUnknownSize(t *testing.T) {
	s := NewSigner(testSecret, 0)
	req := new(fasthttp.Request)
	req.Header.SetMethod("POST")
	req.SetRequestURI("/upload")
	req.Header.SetHost("h.example.com")
	env := testEnvelope()
	if err := s.Sign(req, env, strings.NewReader("streamed"), -1, testNow); err != nil {
		t.Fatal(err)
	}
	got := wire(t, req)
	if v := got.Header.Peek("Transfer-Encoding"); v != nil && !strings.EqualFold(string(v), "chunked") {
		t.Errorf("transfer-encoding = %q", v)
	}
	ve, err := s.Verify(got, testNow)
	if err != nil {
		t.Fatal(err)
	}
	r := bytes.NewReader(got.Body())
	if _, err := ReadData(r, ve); err != nil {
		t.Fatal(err)
	}
	if rest, _ := io.ReadAll(r); string(rest) != "streamed" {
		t.Errorf("body = %q", rest)
	}
}

func TestSignReplacesInternalHeaders(t *testing.T) {
	// A caller that copies every header of the user's request must not
	// carry a forged one ahead of the signed one.
	s := NewSigner(testSecret, 0)
	req := new(fasthttp.Request)
	req.SetRequestURI("/")
	req.Header.SetHost("h.example.com")
	req.Header.Add("X-Wasmpages-Chain", "0")
	req.Header.Add("X-Wasmpages-Pass-Through", "1")
	env := testEnvelope()
	env.PassThrough = false
	if err := s.Sign(req, env, nil, 0, testNow); err != nil {
		t.Fatal(err)
	}
	got, err := s.Verify(wire(t, req), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if got.Chain != 2 || got.PassThrough {
		t.Errorf("chain %d pass-through %v, want 2 false", got.Chain, got.PassThrough)
	}
}

func TestSignRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  func(*Envelope)
		host string
	}{
		{"empty project", func(e *Envelope) { e.Project = "" }, "h"},
		{"project not a label", func(e *Envelope) { e.Project = "Hello\nx" }, "h"},
		{"short deployment", func(e *Envelope) { e.Deployment = "abc" }, "h"},
		{"uppercase deployment", func(e *Envelope) { e.Deployment = strings.ToUpper(testDeployment) }, "h"},
		{"negative chain", func(e *Envelope) { e.Chain = -1 }, "h"},
		{"empty ingress", func(e *Envelope) { e.Ingress = "" }, "h"},
		{"data over 1 MiB", func(e *Envelope) { e.Data = make([]byte, MaxData+1) }, "h"},
		{"no host", func(*Envelope) {}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := new(fasthttp.Request)
			req.SetRequestURI("/")
			req.Header.SetHost(tc.host)
			env := testEnvelope()
			tc.env(env)
			if err := NewSigner(testSecret, 0).Sign(req, env, nil, 0, testNow); err == nil {
				t.Error("Sign succeeded")
			}
		})
	}
}

func TestVerifyTampered(t *testing.T) {
	other := strings.Repeat("cd", 32)
	for _, tc := range []struct {
		name   string
		tamper func(*fasthttp.Request)
	}{
		{"method", func(r *fasthttp.Request) { r.Header.SetMethod("DELETE") }},
		{"uri", func(r *fasthttp.Request) { r.Header.SetRequestURI("/api/y?q=1") }},
		{"query", func(r *fasthttp.Request) { r.Header.SetRequestURI("/api/x?q=2") }},
		{"host", func(r *fasthttp.Request) { r.Header.SetHost("evil.example.com") }},
		{"project", func(r *fasthttp.Request) { r.Header.Set(HeaderProject, "other") }},
		{"deployment", func(r *fasthttp.Request) { r.Header.Set(HeaderDeployment, other) }},
		{"chain", func(r *fasthttp.Request) { r.Header.Set(HeaderChain, "3") }},
		{"route", func(r *fasthttp.Request) { r.Header.Set(HeaderRoute, "GET%20/admin") }},
		{"route removed", func(r *fasthttp.Request) { r.Header.Del(HeaderRoute) }},
		{"ingress", func(r *fasthttp.Request) { r.Header.Set(HeaderIngress, "us-east") }},
		{"timestamp", func(r *fasthttp.Request) {
			r.Header.Set(HeaderTimestamp, "1800000000124")
		}},
		{"nonce", func(r *fasthttp.Request) { r.Header.Set(HeaderNonce, strings.Repeat("0", 32)) }},
		{"pass-through removed", func(r *fasthttp.Request) { r.Header.Del(HeaderPassThrough) }},
		{"data-length", func(r *fasthttp.Request) { r.Header.Set(HeaderDataLength, "13") }},
		{"data-sha256", func(r *fasthttp.Request) { r.Header.Set(HeaderDataSHA256, other) }},
		{"data removed", func(r *fasthttp.Request) {
			r.Header.Del(HeaderDataLength)
			r.Header.Del(HeaderDataSHA256)
		}},
		{"signature", func(r *fasthttp.Request) {
			sig := []byte(string(r.Header.Peek(HeaderSignature)))
			if sig[10] == '0' {
				sig[10] = '1'
			} else {
				sig[10] = '0'
			}
			r.Header.SetBytesV(HeaderSignature, sig)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSigner(testSecret, 0)
			req := signed(t, s, "POST", "/api/x?q=1", "hello.example.com", testEnvelope(), []byte("body"))
			tc.tamper(req)
			if _, err := s.Verify(req, testNow); !errors.Is(err, ErrBadSignature) {
				t.Errorf("Verify = %v, want ErrBadSignature", err)
			}
		})
	}

	t.Run("pass-through added", func(t *testing.T) {
		s := NewSigner(testSecret, 0)
		env := testEnvelope()
		env.PassThrough = false
		req := signed(t, s, "GET", "/", "h.example.com", env, nil)
		req.Header.Set(HeaderPassThrough, "1")
		if _, err := s.Verify(req, testNow); !errors.Is(err, ErrBadSignature) {
			t.Errorf("Verify = %v, want ErrBadSignature", err)
		}
	})

	t.Run("data", func(t *testing.T) {
		s := NewSigner(testSecret, 0)
		req := signed(t, s, "POST", "/", "h.example.com", testEnvelope(), []byte("body"))
		env, err := s.Verify(req, testNow)
		if err != nil {
			t.Fatal(err)
		}
		body := req.Body()
		body[3] ^= 1
		if _, err := ReadData(bytes.NewReader(body), env); !errors.Is(err, ErrBadSignature) {
			t.Errorf("ReadData = %v, want ErrBadSignature", err)
		}
	})

	t.Run("data cut short", func(t *testing.T) {
		s := NewSigner(testSecret, 0)
		req := signed(t, s, "POST", "/", "h.example.com", testEnvelope(), nil)
		env, err := s.Verify(req, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ReadData(bytes.NewReader(req.Body()[:5]), env); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("ReadData = %v, want io.ErrUnexpectedEOF", err)
		}
	})

	t.Run("wrong secret", func(t *testing.T) {
		req := signed(t, NewSigner([]byte("another secret, 32 bytes long..."), 0), "GET", "/", "h.example.com", testEnvelope(), nil)
		if _, err := NewSigner(testSecret, 0).Verify(req, testNow); !errors.Is(err, ErrBadSignature) {
			t.Errorf("Verify = %v, want ErrBadSignature", err)
		}
	})
}

func TestVerifyUnsigned(t *testing.T) {
	required := []string{HeaderProject, HeaderDeployment, HeaderChain, HeaderIngress,
		HeaderTimestamp, HeaderNonce, HeaderSignature}
	for _, name := range required {
		t.Run("missing "+name, func(t *testing.T) {
			s := NewSigner(testSecret, 0)
			req := signed(t, s, "GET", "/", "h.example.com", testEnvelope(), nil)
			req.Header.Del(name)
			if _, err := s.Verify(req, testNow); !errors.Is(err, ErrUnsigned) {
				t.Errorf("Verify = %v, want ErrUnsigned", err)
			}
		})
	}
	t.Run("a plain request", func(t *testing.T) {
		req := new(fasthttp.Request)
		req.SetRequestURI("http://h.example.com/")
		if _, err := NewSigner(testSecret, 0).Verify(req, testNow); !errors.Is(err, ErrUnsigned) {
			t.Errorf("Verify = %v, want ErrUnsigned", err)
		}
	})
	for _, tc := range []struct{ name, value string }{
		{HeaderProject, "Hello"},
		{HeaderDeployment, strings.Repeat("AB", 32)},
		{HeaderChain, "01"},
		{HeaderChain, "-1"},
		{HeaderChain, "1000000"},
		{HeaderRoute, "GET%2"},
		{HeaderIngress, "-eu"},
		{HeaderTimestamp, "+1800000000123"},
		{HeaderNonce, strings.Repeat("g", 32)},
		{HeaderPassThrough, "true"},
		{HeaderDataLength, "0"},
		{HeaderDataLength, "1048577"},
		{HeaderDataSHA256, "xyz"},
		{HeaderSignature, "zz"},
	} {
		t.Run("malformed "+tc.name+" "+tc.value, func(t *testing.T) {
			s := NewSigner(testSecret, 0)
			req := signed(t, s, "GET", "/", "h.example.com", testEnvelope(), nil)
			req.Header.Set(tc.name, tc.value)
			if _, err := s.Verify(req, testNow); !errors.Is(err, ErrUnsigned) {
				t.Errorf("Verify = %v, want ErrUnsigned", err)
			}
		})
	}
	t.Run("digest without data", func(t *testing.T) {
		s := NewSigner(testSecret, 0)
		env := testEnvelope()
		env.Data = nil
		req := signed(t, s, "GET", "/", "h.example.com", env, nil)
		req.Header.Set(HeaderDataSHA256, testDeployment)
		if _, err := s.Verify(req, testNow); !errors.Is(err, ErrUnsigned) {
			t.Errorf("Verify = %v, want ErrUnsigned", err)
		}
	})
}

func TestVerifyStale(t *testing.T) {
	for _, tc := range []struct {
		name   string
		offset time.Duration
		want   error
	}{
		{"11s old", 11 * time.Second, ErrStale},
		{"11s in the future", -11 * time.Second, ErrStale},
		{"9s old", 9 * time.Second, nil},
		{"9s in the future", -9 * time.Second, nil},
		{"exactly the window", 10 * time.Second, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := NewSigner(testSecret, 0)
			req := signed(t, s, "GET", "/", "h.example.com", testEnvelope(), nil)
			if _, err := s.Verify(req, testNow.Add(tc.offset)); !errors.Is(err, tc.want) {
				t.Errorf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("a window of 1m", func(t *testing.T) {
		s := NewSigner(testSecret, time.Minute)
		req := signed(t, s, "GET", "/", "h.example.com", testEnvelope(), nil)
		if _, err := s.Verify(req, testNow.Add(59*time.Second)); err != nil {
			t.Errorf("Verify = %v", err)
		}
	})
}

func TestVerifyReplay(t *testing.T) {
	s := NewSigner(testSecret, 0)
	req := signed(t, s, "POST", "/", "h.example.com", testEnvelope(), []byte("once"))
	if _, err := s.Verify(req, testNow); err != nil {
		t.Fatal(err)
	}
	for _, later := range []time.Duration{0, time.Second, 10 * time.Second} {
		if _, err := s.Verify(req, testNow.Add(later)); !errors.Is(err, ErrReplay) {
			t.Errorf("again after %v: Verify = %v, want ErrReplay", later, err)
		}
	}
	// A request that fails verification does not burn its nonce.
	s2 := NewSigner(testSecret, 0)
	req2 := signed(t, s2, "GET", "/", "h.example.com", testEnvelope(), nil)
	if _, err := s2.Verify(req2, testNow.Add(time.Minute)); !errors.Is(err, ErrStale) {
		t.Fatalf("Verify = %v, want ErrStale", err)
	}
	if _, err := s2.Verify(req2, testNow); err != nil {
		t.Errorf("Verify after a stale attempt = %v", err)
	}
}

func TestSignNoncesDiffer(t *testing.T) {
	s := NewSigner(testSecret, 0)
	seen := map[string]bool{}
	for range 100 {
		env := testEnvelope()
		req := new(fasthttp.Request)
		req.SetRequestURI("http://h.example.com/")
		if err := s.Sign(req, env, nil, 0, testNow); err != nil {
			t.Fatal(err)
		}
		if seen[env.Nonce] {
			t.Fatalf("nonce %s repeated", env.Nonce)
		}
		seen[env.Nonce] = true
	}
}
