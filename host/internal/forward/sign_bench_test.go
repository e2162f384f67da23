package forward

import (
	"bytes"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// BenchmarkSignVerify measures what forwarding adds to a request on both
// nodes: Sign on the ingress, Verify and ReadData on the target.
func BenchmarkSignVerify(b *testing.B) {
	s := NewSigner(testSecret, 0)
	env := testEnvelope()
	req := new(fasthttp.Request)
	now := testNow
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Millisecond) // so that nonces expire from the replay cache
		req.Reset()
		req.Header.SetMethod("GET")
		req.SetRequestURI("/api/items?page=2")
		req.Header.SetHost("hello.example.com")
		if err := s.Sign(req, env, nil, 0, now); err != nil {
			b.Fatal(err)
		}
		got, err := s.Verify(req, now)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ReadData(bytes.NewReader(env.Data), got); err != nil {
			b.Fatal(err)
		}
	}
}
