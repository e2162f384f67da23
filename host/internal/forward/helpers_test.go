package forward

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"io"
	"math/big"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// testSecret is the cluster secret of the tests.
var testSecret = []byte("0123456789abcdef0123456789abcdef")

// testDeployment is a well-formed deployment id.
var testDeployment = strings.Repeat("ab", 32)

// testEnvelope returns a well-formed envelope with data.
func testEnvelope() *Envelope {
	return &Envelope{
		Project: "hello", Deployment: testDeployment, Chain: 2, Route: "GET /api/[id]",
		Ingress: "eu-west", PassThrough: true, Data: []byte(`{"user":"ada"}`),
	}
}

// testServer is a fasthttp server on a loopback port, as a cluster listener
// is configured, that counts the connections it accepts and can be killed:
// its listener and every connection closed at once.
type testServer struct {
	url     string
	addr    string
	accepts atomic.Int32

	ln  net.Listener
	srv *fasthttp.Server

	mu    sync.Mutex
	conns []net.Conn
}

// startServer serves h on a new loopback port until the test ends.
func startServer(t *testing.T, h fasthttp.RequestHandler) *testServer {
	t.Helper()
	return startServerOn(t, "127.0.0.1:0", nil, h)
}

// startServerOn serves h on addr, with TLS if cfg is not nil.
func startServerOn(t *testing.T, addr string, cfg *tls.Config, h fasthttp.RequestHandler) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	s := &testServer{ln: ln, addr: ln.Addr().String(), url: "http://" + ln.Addr().String()}
	var served net.Listener = &countingListener{Listener: ln, s: s}
	if cfg != nil {
		served = tls.NewListener(served, cfg)
		s.url = "https://" + s.addr
	}
	s.srv = &fasthttp.Server{
		Handler:           h,
		StreamRequestBody: true,
		// The body starts with the shared data, so a multipart body is not
		// one until ReadData has read it.
		DisablePreParseMultipartForm: true,
		IdleTimeout:                  60 * time.Second,
		Logger:                       quietLogger{},
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.srv.Serve(served)
	}()
	t.Cleanup(func() {
		s.kill()
		<-done
	})
	return s
}

// kill closes the listener and every connection the server accepted.
func (s *testServer) kill() {
	_ = s.ln.Close()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		_ = c.Close()
	}
	s.conns = nil
}

type countingListener struct {
	net.Listener
	s *testServer
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.s.accepts.Add(1)
	l.s.mu.Lock()
	l.s.conns = append(l.s.conns, c)
	l.s.mu.Unlock()
	return c, nil
}

type quietLogger struct{}

func (quietLogger) Printf(string, ...any) {}

// freeAddr returns a loopback address on which nothing listens.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// wire writes req as a client sends it and parses it back as a server
// does: what Verify sees on the cluster listener.
func wire(t *testing.T, req *fasthttp.Request) *fasthttp.Request {
	t.Helper()
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	if err := req.Write(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got := new(fasthttp.Request)
	if err := got.Read(bufio.NewReader(&buf)); err != nil {
		t.Fatalf("parsing %q: %v", buf.String(), err)
	}
	return got
}

// pattern is an io.Reader of n pseudo-random bytes, made as they are read:
// a block of random bytes from seed, repeated, each repeat starting
// elsewhere in it.
type pattern struct {
	n     int64
	block []byte
	off   int
	turn  int
}

const patternBlock = 64 << 10

func newPattern(n int64, seed uint64) *pattern {
	block := make([]byte, patternBlock)
	x := seed | 1
	for i := range block {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		block[i] = byte(x)
	}
	return &pattern{n: n, block: block}
}

func (p *pattern) Read(b []byte) (int, error) {
	if p.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > p.n {
		b = b[:p.n]
	}
	total := 0
	for len(b) > 0 {
		if p.off == len(p.block) {
			p.turn++
			p.off = 0
		}
		start := (p.off + 7919*p.turn) % len(p.block)
		chunk := min(len(b), len(p.block)-p.off, len(p.block)-start)
		copy(b[:chunk], p.block[start:start+chunk])
		b, p.off, total = b[chunk:], p.off+chunk, total+chunk
	}
	p.n -= int64(total)
	return total, nil
}

// fakeClock is a clock that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// isNotSent reports whether err wraps ErrNotSent.
func isNotSent(err error) bool { return errors.Is(err, ErrNotSent) }

// patternSHA256 hashes n bytes of the pattern of seed.
func patternSHA256(t *testing.T, n int64, seed uint64) string {
	t.Helper()
	h := sha256.New()
	if _, err := io.Copy(h, newPattern(n, seed)); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// watchHeap samples the heap in use until the returned function is called,
// which reports the most it grew over what it was at the start.
func watchHeap(t *testing.T) func() uint64 {
	t.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > peak.Load() {
				peak.Store(ms.HeapAlloc - base)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	var once sync.Once
	end := func() uint64 {
		once.Do(func() { close(stop); <-done })
		return peak.Load()
	}
	t.Cleanup(func() { end() })
	return end
}

// selfSigned returns a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "wasmpages test node"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true,

		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, roots
}
