package runtime

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/wasmpages/wasmpages/abi"
)

// BenchmarkInvokeModule measures warm calls of any module, for profiling
// a guest: WASMPAGES_BENCH_WASM names the .wasm file (the benchmark is
// skipped without it), which is invoked with GET
// /api/hello?name=bench and three headers, as a browser's request would
// be, with GREETING=Hello in its environment. With a test binary built
// with -tags perfmap, perf(1) names the guest's functions:
//
//	go test -c -tags perfmap -o /tmp/rt.test ./host/internal/runtime/
//	cd host/internal/runtime && WASMPAGES_BENCH_WASM=$PWD/../../../examples/hello/functions/api/hello.wasm \
//	    perf record -D 6000 -e cpu-clock -o /tmp/perf.data /tmp/rt.test -test.run '^$' -test.bench InvokeModule -test.benchtime 6s
//	perf report -i /tmp/perf.data --no-children --sort symbol
func BenchmarkInvokeModule(b *testing.B) {
	path := os.Getenv("WASMPAGES_BENCH_WASM")
	if path == "" {
		b.Skip("WASMPAGES_BENCH_WASM names no module")
	}
	wasm, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	e, err := NewEngine(ctx, Config{Env: map[string]string{"GREETING": "Hello"}, Cache: testCache, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close(ctx)
	m, err := e.Load(ctx, path, wasm)
	if err != nil {
		b.Fatal(err)
	}
	head := abi.EncodeRequestHead(nil, &abi.RequestHead{Method: "GET", URL: "http://127.0.0.1:8788/api/hello?name=bench",
		Header: [][2]string{{"Host", "127.0.0.1:8788"}, {"User-Agent", "wrk"}, {"Accept", "*/*"}}})
	c := &Call{}
	b.ReportAllocs()
	for b.Loop() {
		c.Reset()
		c.RequestHead = append(c.RequestHead, head...)
		c.Limits = Limits{Timeout: time.Minute, ResponseBody: 1 << 20}
		if err := m.Invoke(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}
