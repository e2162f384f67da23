package forward

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// FuzzVerify feeds Verify and ReadData requests whose method, URI, host and
// envelope headers are arbitrary: they never panic, and a request they
// accept carries a well-formed envelope.
func FuzzVerify(f *testing.F) {
	s := NewSigner(testSecret, 0)
	req := new(fasthttp.Request)
	req.Header.SetMethod("POST")
	req.SetRequestURI("/api/x?q=1")
	req.Header.SetHost("hello.example.com")
	env := testEnvelope()
	if err := s.Sign(req, env, nil, 0, testNow); err != nil {
		f.Fatal(err)
	}
	h := &req.Header
	valid := []string{"POST", "/api/x?q=1", "hello.example.com"}
	for _, name := range fuzzHeaders {
		valid = append(valid, string(h.Peek(name)))
	}
	f.Add(valid[0], valid[1], valid[2], valid[3], valid[4], valid[5], valid[6], valid[7], valid[8], valid[9],
		valid[10], valid[11], valid[12], valid[13], string(env.Data))
	f.Add("GET", "/", "h", "p", "", "0", "", "eu", "0", "", "", "", "", "", "")
	f.Add("", "*", "", "A", "00", "999999", "%", "-", "99999999999999999999", "0g", "2", "1048577", "x", "zz", "\x00")

	f.Fuzz(func(t *testing.T, method, uri, host, project, deployment, chain, route, ingress,
		timestamp, nonce, passThrough, dataLength, dataSHA256, signature, body string) {
		req := new(fasthttp.Request)
		req.Header.SetMethod(method)
		req.Header.SetRequestURI(uri)
		req.Header.SetHost(host)
		for i, v := range []string{project, deployment, chain, route, ingress, timestamp, nonce,
			passThrough, dataLength, dataSHA256, signature} {
			if v != "" {
				req.Header.Set(fuzzHeaders[i], v)
			}
		}
		s := NewSigner(testSecret, 0)
		env, err := s.Verify(req, testNow)
		if err != nil {
			if !errors.Is(err, ErrUnsigned) && !errors.Is(err, ErrBadSignature) &&
				!errors.Is(err, ErrStale) && !errors.Is(err, ErrReplay) {
				t.Fatalf("Verify = %v, not one of its sentinels", err)
			}
			return
		}
		if !isLabel(env.Project) || !isHex(env.Deployment, 64) || !isLabel(env.Ingress) ||
			env.Chain < 0 || env.Chain > maxChain || env.DataLength < 0 || env.DataLength > MaxData {
			t.Fatalf("Verify accepted %+v", env)
		}
		var r io.Reader // no body stream, as fasthttp gives a request without a body
		if body != "" {
			r = strings.NewReader(body)
		}
		_, _ = ReadData(r, env)
	})
}

// fuzzHeaders are the envelope headers FuzzVerify sets, in its order.
var fuzzHeaders = []string{HeaderProject, HeaderDeployment, HeaderChain, HeaderRoute, HeaderIngress,
	HeaderTimestamp, HeaderNonce, HeaderPassThrough, HeaderDataLength, HeaderDataSHA256, HeaderSignature}
