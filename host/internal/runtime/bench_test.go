package runtime

import (
	"context"
	"log/slog"
	goruntime "runtime"
	"testing"
	"time"

	"github.com/wasmpages/wasmpages/abi"
)

// loadProbe loads the probe guest with or without interruption checks.
func loadProbe(b *testing.B, mode interruptMode) *Module {
	ctx := context.Background()
	e, err := newEngine(ctx, Config{Cache: testCache, Logger: slog.New(slog.DiscardHandler)}, mode)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close(ctx) })
	m, err := e.Load(ctx, "probe.wasm", probeWasm)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkInvoke measures a warm call (a request answered "Hello") and a
// compute loop under each way of enforcing the time limit: none at all,
// wazero's WithCloseOnContextDone (a goroutine per call and an exit to Go
// at every loop back-edge), and Instrument's flag checked at loop heads.
func BenchmarkInvoke(b *testing.B) {
	for _, bc := range []struct {
		name string
		url  string
	}{{"hello", "http://x/"}, {"spin1e6", "http://x/spin?n=1000000"}} {
		for _, mode := range []struct {
			name string
			mode interruptMode
		}{{"none", interruptNone}, {"wazero", interruptWazero}, {"instrumented", interruptInstrumented}} {
			b.Run(bc.name+"/"+mode.name, func(b *testing.B) {
				m := loadProbe(b, mode.mode)
				c := &Call{Limits: Limits{Timeout: time.Minute, ResponseBody: 1 << 20}}
				head := abi.EncodeRequestHead(nil, &abi.RequestHead{Method: "GET", URL: bc.url})
				b.ReportAllocs()
				for b.Loop() {
					c.Reset()
					c.RequestHead = append(c.RequestHead, head...)
					c.Limits = Limits{Timeout: time.Minute, ResponseBody: 1 << 20}
					if err := m.Invoke(context.Background(), c); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkInstantiate measures starting an instance: instantiation and
// _initialize of a Go guest.
func BenchmarkInstantiate(b *testing.B) {
	m := loadProbe(b, interruptInstrumented)
	ctx := context.Background()
	for b.Loop() {
		in, err := m.instantiate(ctx)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(in.mod.Memory().Size())/(1<<20), "MiB-memory/instance")
		in.close(ctx)
	}
}

// BenchmarkLoadFromCache measures loading a module whose compiled form is in
// the on-disk cache: a new engine, compilation from the cache, the first
// instance and the version check.
func BenchmarkLoadFromCache(b *testing.B) {
	loadProbe(b, interruptInstrumented) // fills the cache
	ctx := context.Background()
	for b.Loop() {
		e, err := NewEngine(ctx, Config{Cache: testCache})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.Load(ctx, "probe.wasm", probeWasm); err != nil {
			b.Fatal(err)
		}
		e.Close(ctx)
	}
}

// BenchmarkInstantiateAfterFree starts and closes instances of a module
// limited to 128 MiB (the default), collecting garbage after each, so that
// each new instance's memory may reuse the last one's: mapped memories
// (what wasmpages uses) against Go slices of the maximum capacity, whose
// reused spans Go zeroes in full.
func BenchmarkInstantiateAfterFree(b *testing.B) {
	for _, mapped := range []bool{true, false} {
		name := "mapped"
		if !mapped {
			name = "go-slice"
		}
		b.Run(name, func(b *testing.B) {
			if !mapped {
				saved := memoryAllocator
				memoryAllocator = nil
				defer func() { memoryAllocator = saved }()
			}
			ctx := context.Background()
			e, err := NewEngine(ctx, Config{Cache: testCache, MemoryLimit: 128 << 20})
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close(ctx)
			m, err := e.Load(ctx, "probe.wasm", probeWasm)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				in, err := m.instantiate(ctx)
				if err != nil {
					b.Fatal(err)
				}
				in.close(ctx)
				goruntime.GC()
			}
		})
	}
}
