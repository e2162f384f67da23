package runtime

import (
	"context"
	"encoding/binary"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"

	"github.com/wasmpages/wasmpages/abi"
	"github.com/wasmpages/wasmpages/internal/wat"
)

// countingFetcher answers every network fetch with 204 and counts them.
type countingFetcher struct{ n atomic.Int32 }

func (f *countingFetcher) Fetch(context.Context, abi.FetchKind, *Subrequest) (*Subresponse, error) {
	f.n.Add(1)
	return &Subresponse{Status: 204}, nil
}

func loadWAT(t *testing.T, name string, cfg Config) (*Module, error) {
	t.Helper()
	logs := &logBuffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	ctx := context.Background()
	e, err := NewEngine(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close(ctx) })
	return e.Load(ctx, name, wat.MustCompileFile(t, "testdata/hostile/"+name))
}

func TestHostileLoadErrors(t *testing.T) {
	tests := []struct{ file, want string }{
		{"noversion.wat", "does not export wasmpages_abi_version"},
		{"version2.wat", "speaks wasmpages ABI version 2; this host speaks version 1"},
		{"command.wat", "WASI command (exports _start)"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := loadWAT(t, tt.file, Config{})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.file) {
				t.Errorf("err = %v, want it to name the module and say %q", err, tt.want)
			}
		})
	}
	ctx := context.Background()
	e, _ := NewEngine(ctx, Config{})
	defer e.Close(ctx)
	if _, err := e.Load(ctx, "junk.wasm", []byte("\x00asm\x01\x00\x00\x00\x0a\xff")); err == nil || !strings.Contains(err.Error(), "junk.wasm") {
		t.Errorf("junk: %v", err)
	}
}

func TestHostileOutOfBounds(t *testing.T) {
	m, err := loadWAT(t, "oob.wat", Config{})
	if err != nil {
		t.Fatal(err)
	}
	// The guest traps unless every wild pointer got ErrFault; it then
	// answers 200, but is not trusted with another request.
	r := invoke(m, "GET", "http://x/", "", Limits{}, nil)
	if r.err != nil || r.status != 200 {
		t.Fatalf("got %+v", r)
	}
	if m.Live() != 0 {
		t.Errorf("instance that faulted was kept")
	}
	if r := invoke(m, "GET", "http://x/", "", Limits{}, nil); r.err != nil || r.status != 200 {
		t.Errorf("next request: %+v", r)
	}
}

func TestHostileMisbehaviour(t *testing.T) {
	const memLimit = 4 << 20 // 64 pages
	lim := Limits{Timeout: 300 * time.Millisecond, Subrequests: 7, ResponseBody: 1 << 20}
	f := &countingFetcher{}
	m, err := loadWAT(t, "misbehave.wat", Config{MemoryLimit: memLimit})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method string
		status int    // of the *Error, or of the response if check is set
		reason string // in the error
		check  func(t *testing.T, r result)
	}{
		{"PATCH", 504, "time limit of 300ms", nil},
		{"POST", 500, "unreachable", nil},
		{"DELETE", 200, "", func(t *testing.T, r result) {
			if pages := binary.LittleEndian.Uint32([]byte(r.body)); pages > memLimit/wasmPageSize || pages < 2 {
				t.Errorf("memory grew to %d pages, limit %d", pages, memLimit/wasmPageSize)
			}
		}},
		{"OPTIONS", 429, "", func(t *testing.T, r result) {
			if got := f.n.Load(); got != 7 {
				t.Errorf("%d subrequests reached the fetcher, limit 7", got)
			}
		}},
		{"XXXXXXXXX", 502, "response_body limit", nil},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			r := invoke(m, tt.method, "http://x/", "", lim, f)
			if tt.check != nil {
				if r.err != nil || r.status != tt.status {
					t.Fatalf("got %+v, want status %d", r, tt.status)
				}
				tt.check(t, r)
			} else {
				var e *Error
				if !errors.As(r.err, &e) || e.Status != tt.status || !strings.Contains(e.Error(), tt.reason) {
					t.Fatalf("got %+v (%v), want an error %d with %q", r, r.err, tt.status, tt.reason)
				}
				if m.Live() != 0 {
					t.Errorf("failed instance kept: %d live", m.Live())
				}
			}
			// Whatever happened, the next request is served.
			if r := invoke(m, "GET", "http://x/", "", lim, f); r.err != nil || r.status != 200 {
				t.Errorf("next request: %+v", r)
			}
		})
	}
}

// FuzzInstrument: Instrument never panics, and whatever wazero accepts
// stays acceptable once instrumented.
func FuzzInstrument(f *testing.F) {
	f.Add(probeWasm[:min(len(probeWasm), 4096)])
	f.Add(indicesModule)
	f.Add([]byte("\x00asm\x01\x00\x00\x00"))
	f.Add([]byte("\x00asm\x01\x00\x00\x00\x0a\x05\x01\x03\x00\x03\x40"))
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	f.Cleanup(func() { rt.Close(ctx) })
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := Instrument(b)
		c, cerr := rt.CompileModule(ctx, b)
		if cerr != nil {
			return
		}
		c.Close(ctx)
		if err != nil {
			t.Fatalf("wazero accepts the module, Instrument does not: %v", err)
		}
		c, err = rt.CompileModule(ctx, out)
		if err != nil {
			t.Fatalf("the instrumented module does not compile: %v", err)
		}
		c.Close(ctx)
	})
}
