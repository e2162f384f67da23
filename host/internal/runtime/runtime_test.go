package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wasmpages/wasmpages/abi"
	"github.com/wasmpages/wasmpages/internal/testguest"
)

var (
	probeWasm []byte
	testCache *Cache
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "runtime-test")
	if err != nil {
		panic(err)
	}
	if testCache, err = NewCache(filepath.Join(dir, "cache")); err != nil {
		panic(err)
	}
	out := filepath.Join(dir, "probe.wasm")
	if err := testguest.BuildTo("testdata/probe", out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if probeWasm, err = os.ReadFile(out); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// logBuffer collects an engine's log output.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// newProbe loads the probe guest in a fresh engine.
func newProbe(t *testing.T, cfg Config) (*Module, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	cfg.Cache = testCache
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	ctx := context.Background()
	e, err := NewEngine(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close(ctx) })
	m, err := e.Load(ctx, "probe.wasm", probeWasm)
	if err != nil {
		t.Fatal(err)
	}
	return m, logs
}

// httpFetcher sends network subrequests with net/http and answers asset
// fetches from a map.
type httpFetcher struct {
	assets map[string]string
}

func (f httpFetcher) Fetch(ctx context.Context, kind abi.FetchKind, req *Subrequest) (*Subresponse, error) {
	if kind == abi.FetchAssets {
		body, ok := f.assets[req.URL]
		status := 200
		if !ok {
			status, body = 404, "not found"
		}
		return &Subresponse{Status: status, Body: io.NopCloser(strings.NewReader(body))}, nil
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		return nil, ErrBadSubrequest
	}
	for _, kv := range req.Header {
		hr.Header.Add(kv[0], kv[1])
	}
	resp, err := http.DefaultTransport.RoundTrip(hr)
	if err != nil {
		return nil, err
	}
	var header [][2]string
	for k, vs := range resp.Header {
		for _, v := range vs {
			header = append(header, [2]string{k, v})
		}
	}
	return &Subresponse{Status: resp.StatusCode, Header: header, Body: resp.Body}, nil
}

type result struct {
	status int
	header http.Header
	body   string
	err    error
}

func invoke(m *Module, method, url string, body string, lim Limits, f Fetcher) result {
	if lim == (Limits{}) {
		lim = Limits{Timeout: 10 * time.Second, Subrequests: 50, ResponseBody: 1 << 20}
	}
	c := &Call{
		RequestHead: abi.EncodeRequestHead(nil, &abi.RequestHead{Method: method, URL: url, Header: [][2]string{
			{"host", hostOf(url)}, {"X-Custom", "yes"}, {"Content-Length", fmt.Sprint(len(body))},
		}}),
		RequestBody: []byte(body),
		Fetcher:     f,
		Limits:      lim,
	}
	if err := m.Invoke(context.Background(), c); err != nil {
		return result{err: err}
	}
	h, err := abi.DecodeResponseHead(c.ResponseHead)
	if err != nil {
		return result{err: err}
	}
	r := result{status: h.Status, header: http.Header{}, body: string(c.ResponseBody)}
	for _, kv := range h.Header {
		r.header.Add(kv[0], kv[1])
	}
	return r
}

// hostOf returns the host of an absolute URL, as the Host header says it.
func hostOf(url string) string {
	_, rest, _ := strings.Cut(url, "://")
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// mustOK asserts that a plain request succeeds: after any failure, the
// next request to the module must work.
func mustOK(t *testing.T, m *Module) {
	t.Helper()
	r := invoke(m, "GET", "http://x/", "", Limits{}, nil)
	if r.err != nil || r.status != 200 || r.body != "Hello" {
		t.Fatalf("next request: %+v", r)
	}
}

func TestEcho(t *testing.T) {
	m, _ := newProbe(t, Config{})
	for i := 1; i <= 3; i++ {
		r := invoke(m, "PUT", "https://example.com/echo?a=1", "the body", Limits{}, nil)
		if r.err != nil {
			t.Fatal(r.err)
		}
		if r.status != 201 || r.body != "the body" {
			t.Errorf("status %d body %q", r.status, r.body)
		}
		// As in net/http, Host is Request.Host and not in the header.
		want := map[string]string{"X-Method": "PUT", "X-Url": "https://example.com/echo?a=1", "X-Custom": "yes", "X-Host": "example.com, 0 in the header"}
		for k, want := range want {
			if got := r.header.Get(k); got != want {
				t.Errorf("%s = %q, want %q", k, got, want)
			}
		}
		// One warm instance serves every request, so its globals persist.
		if got := r.header.Get("X-Hits"); got != fmt.Sprint(i) {
			t.Errorf("X-Hits = %s on call %d: instance not reused", got, i)
		}
	}
	if m.Live() != 1 {
		t.Errorf("live instances = %d, want 1", m.Live())
	}
}

// A handler that sets no Content-Type gets the one net/http would sniff
// (the SDK asks the host to sniff); one it sets is kept, alone.
func TestContentTypeSniffed(t *testing.T) {
	m, _ := newProbe(t, Config{})
	for path, want := range map[string][]string{
		"/":      {"text/plain; charset=utf-8"},
		"/html":  {"text/html; charset=utf-8"},
		"/typed": {"application/json"},
		// A first write larger than the SDK's buffer is sniffed too.
		"/big?n=100000": {"text/plain; charset=utf-8"},
		"/empty":        nil,
	} {
		r := invoke(m, "GET", "http://x"+path, "", Limits{}, nil)
		if got := r.header.Values("Content-Type"); !slices.Equal(got, want) || r.status/100 != 2 {
			t.Errorf("%s: status %d, Content-Type %q, want %q", path, r.status, got, want)
		}
	}
}

func TestEnvAndLog(t *testing.T) {
	m, logs := newProbe(t, Config{Env: map[string]string{"GREETING": "bonjour"}})
	if r := invoke(m, "GET", "http://x/env", "", Limits{}, nil); r.body != "bonjour" {
		t.Errorf("env: %+v", r)
	}
	invoke(m, "GET", "http://x/log", "", Limits{}, nil)
	if !strings.Contains(logs.String(), "hello from the guest") || !strings.Contains(logs.String(), "module=probe.wasm") {
		t.Errorf("log missing the guest's line: %s", logs)
	}
}

func TestFetch(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Backend", "yes")
		if r.Method == "POST" {
			b, _ := io.ReadAll(r.Body)
			fmt.Fprintf(w, "got %s %s", r.Header.Get("Content-Type"), b)
			return
		}
		fmt.Fprint(w, "from the back end")
	}))
	defer backend.Close()
	m, _ := newProbe(t, Config{})
	f := httpFetcher{}
	if r := invoke(m, "GET", "http://x/fetch?url="+backend.URL, "", Limits{}, f); r.body != "200 yes from the back end" {
		t.Errorf("get: %+v", r)
	}
	if r := invoke(m, "GET", "http://x/post?url="+backend.URL, "", Limits{}, f); r.body != "got text/plain payload" {
		t.Errorf("post: %+v", r)
	}
	// A back end that refuses connections is an error the guest sees.
	backend.Close()
	r := invoke(m, "GET", "http://x/fetch?url="+backend.URL, "", Limits{}, f)
	if r.status != 502 || !strings.Contains(r.body, "network error") {
		t.Errorf("refused: %+v", r)
	}
}

func TestSubrequestLimit(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer backend.Close()
	m, _ := newProbe(t, Config{})
	lim := Limits{Timeout: 10 * time.Second, Subrequests: 5, ResponseBody: 1 << 20}
	if r := invoke(m, "GET", "http://x/subrequests?n=5&url="+backend.URL, "", lim, httpFetcher{}); r.body != "5 subrequests" {
		t.Errorf("at the limit: %+v", r)
	}
	r := invoke(m, "GET", "http://x/subrequests?n=6&url="+backend.URL, "", lim, httpFetcher{})
	if r.status != 502 || !strings.Contains(r.body, "subrequest 6") || !strings.Contains(r.body, "limit reached") {
		t.Errorf("over the limit: %+v", r)
	}
	mustOK(t, m)
}

func TestAssetFetch(t *testing.T) {
	m, _ := newProbe(t, Config{})
	f := httpFetcher{assets: map[string]string{"http://assets.local/logo.svg": "<svg/>"}}
	if r := invoke(m, "GET", "http://x/asset?path=/logo.svg", "", Limits{}, f); r.body != "200 <svg/>" {
		t.Errorf("asset: %+v", r)
	}
	if r := invoke(m, "GET", "http://x/asset?path=/nope", "", Limits{}, f); r.body != "404 not found" {
		t.Errorf("missing asset: %+v", r)
	}
}

func TestFailures(t *testing.T) {
	tests := []struct {
		name   string
		url    string
		cfg    Config
		lim    Limits
		status int
		reason string
		log    string // what the guest's own output says, in the log
	}{
		{"infinite loop", "/loop", Config{}, Limits{Timeout: 300 * time.Millisecond, ResponseBody: 1 << 20}, 504, "time limit of 300ms", ""},
		// Ten minutes asleep: without the deadline in the sleep itself the
		// test would wait them out.
		{"sleep past the limit", "/sleep?ms=600000", Config{}, Limits{Timeout: 300 * time.Millisecond, ResponseBody: 1 << 20}, 504, "time limit of 300ms", ""},
		{"memory exhausted", "/alloc", Config{MemoryLimit: 64 << 20}, Limits{}, 500, "unreachable", "out of memory"},
		{"exit", "/exit", Config{}, Limits{}, 500, "exited with code 3", ""},
		{"oversized response", "/big?n=2000000", Config{}, Limits{Timeout: 10 * time.Second, ResponseBody: 1 << 20}, 502, "response_body limit", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, logs := newProbe(t, tt.cfg)
			r := invoke(m, "GET", "http://x"+tt.url, "", tt.lim, nil)
			var e *Error
			if !errors.As(r.err, &e) {
				t.Fatalf("want *Error, got %+v", r)
			}
			if e.Status != tt.status || !strings.Contains(e.Error(), tt.reason) {
				t.Errorf("got %d %q, want %d containing %q", e.Status, e.Error(), tt.status, tt.reason)
			}
			if !strings.Contains(logs.String(), tt.log) {
				t.Errorf("log lacks %q:\n%s", tt.log, logs)
			}
			if m.Live() != 0 {
				t.Errorf("failed instance not discarded: %d live", m.Live())
			}
			mustOK(t, m)
		})
	}
}

func TestPanicRecovered(t *testing.T) {
	m, logs := newProbe(t, Config{})
	r := invoke(m, "GET", "http://x/panic", "", Limits{}, nil)
	var e *Error
	if !errors.As(r.err, &e) || e.Status != 500 {
		t.Errorf("panic: %+v, want a failed invocation (500)", r)
	}
	if !strings.Contains(logs.String(), "boom") {
		t.Errorf("panic not logged: %s", logs)
	}
	mustOK(t, m)
}

func TestConcurrentInvocations(t *testing.T) {
	m, _ := newProbe(t, Config{MaxInstances: 4})
	const P, N = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, P*N)
	for p := 0; p < P; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for i := 0; i < N; i++ {
				body := fmt.Sprintf("req %d-%d", p, i)
				r := invoke(m, "POST", "http://x/echo", body, Limits{}, nil)
				if r.err != nil || r.body != body {
					errs <- fmt.Errorf("%s: %+v", body, r)
				}
			}
		}(p)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if m.Live() > 4 {
		t.Errorf("%d live instances, cap is 4", m.Live())
	}
}
