package runtime

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// TestInterruptDuringGC runs guests that spin forever while the garbage
// collector runs without pause. Compiled WebAssembly cannot be preempted:
// a collection that waits for a spinning guest, while the timer that would
// stop the guest waits for the collection, hangs the whole process. The
// checkpoints Instrument adds are what let both proceed.
func TestInterruptDuringGC(t *testing.T) {
	m, err := loadWAT(t, "misbehave.wat", Config{})
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
			}
		}
	}()
	defer func() { close(stop); wg.Wait() }()
	lim := Limits{Timeout: 5 * time.Millisecond, ResponseBody: 1 << 20}
	for i := 0; i < 200; i++ {
		for _, method := range []string{"POST", "GET", "PATCH"} { // trap, answer, spin
			r := invoke(m, method, "http://x/", "", lim, nil)
			var e *Error
			if method == "PATCH" && (!errors.As(r.err, &e) || e.Status != 504) {
				t.Fatalf("round %d: spinning guest got %+v, want a 504", i, r)
			}
		}
	}
}

// TestInterruptRecursion: a guest that recurses without loops (a call tree
// of 2^60 calls) is stopped too, by the checkpoints at function entries.
func TestInterruptRecursion(t *testing.T) {
	m, err := loadWAT(t, "recurse.wat", Config{})
	if err != nil {
		t.Fatal(err)
	}
	r := invoke(m, "GET", "http://x/", "", Limits{Timeout: 50 * time.Millisecond, ResponseBody: 1 << 20}, nil)
	var e *Error
	if !errors.As(r.err, &e) || e.Status != 504 {
		t.Fatalf("got %+v, want a 504", r)
	}
}

// indicesModule exercises everything that refers to a function by index:
// an import before the module's own functions, call, call_indirect through
// a table filled by two element segments (one with function indices, one
// with ref.func expressions), a start function, an export and the name
// section. Its export "run" returns 35 + 35 + 7 + 100 = 177.
var indicesModule = []byte{
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
	// type: 0 () -> i32, 1 () -> ()
	0x01, 0x08, 0x02, 0x60, 0x00, 0x01, 0x7f, 0x60, 0x00, 0x00,
	// import: env.seven, type 0 (function 0)
	0x02, 0x0d, 0x01, 0x03, 'e', 'n', 'v', 0x05, 's', 'e', 'v', 'e', 'n', 0x00, 0x00,
	// function: 1 type 0, 2 type 0, 3 type 1
	0x03, 0x04, 0x03, 0x00, 0x00, 0x01,
	// table: funcref, min 2
	0x04, 0x04, 0x01, 0x70, 0x00, 0x02,
	// global 0: mut i32 = 0
	0x06, 0x06, 0x01, 0x7f, 0x01, 0x41, 0x00, 0x0b,
	// export: run = function 2
	0x07, 0x07, 0x01, 0x03, 'r', 'u', 'n', 0x00, 0x02,
	// start: function 3
	0x08, 0x01, 0x03,
	// elem: table[1] = function 1; table[0] = ref.func 1
	0x09, 0x0f, 0x02,
	0x00, 0x41, 0x01, 0x0b, 0x01, 0x01,
	0x04, 0x41, 0x00, 0x0b, 0x01, 0xd2, 0x01, 0x0b,
	// code
	0x0a, 0x22, 0x03,
	// 1: i32.const 35
	0x04, 0x00, 0x41, 0x23, 0x0b,
	// 2: call_indirect table[0] + call_indirect table[1] + call 0 + global 0
	0x13, 0x00, 0x41, 0x00, 0x11, 0x00, 0x00, 0x41, 0x01, 0x11, 0x00, 0x00, 0x6a,
	0x10, 0x00, 0x6a, 0x23, 0x00, 0x6a, 0x0b,
	// 3: global 0 = 100
	0x07, 0x00, 0x41, 0xe4, 0x00, 0x24, 0x00, 0x0b,
	// custom "name": function 2 is "run_impl"
	0x00, 0x12, 0x04, 'n', 'a', 'm', 'e', 0x01, 0x0b, 0x01, 0x02, 0x08, 'r', 'u', 'n', '_', 'i', 'm', 'p', 'l',
}

func TestInstrumentKeepsFunctionIndices(t *testing.T) {
	ctx := context.Background()
	rt := wazero.NewRuntime(ctx)
	defer rt.Close(ctx)
	if err := instantiateCheckpoint(ctx, rt); err != nil {
		t.Fatal(err)
	}
	_, err := rt.NewHostModuleBuilder("env").NewFunctionBuilder().
		WithGoFunction(api.GoFunc(func(_ context.Context, s []uint64) { s[0] = 7 }), nil, []api.ValueType{api.ValueTypeI32}).
		Export("seven").Instantiate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for name, wasm := range map[string][]byte{"original": indicesModule, "instrumented": mustInstrument(t, indicesModule)} {
		mod, err := rt.InstantiateWithConfig(ctx, wasm, wazero.NewModuleConfig().WithName(name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		run := mod.ExportedFunction("run")
		res, err := run.Call(ctx)
		if err != nil || res[0] != 177 {
			t.Errorf("%s: run() = %v, %v; want 177", name, res, err)
		}
		if got := run.Definition().Name(); got != "run_impl" {
			t.Errorf("%s: name of run = %q, want run_impl", name, got)
		}
	}
}

func mustInstrument(t *testing.T, wasm []byte) []byte {
	t.Helper()
	out, err := Instrument(wasm)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
