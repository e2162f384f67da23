package wat

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// call is one invocation of an exported function and its expected results.
type call struct {
	fn   string
	args []uint64
	want []uint64
}

// runCase is a module that must compile, instantiate and behave as described.
type runCase struct {
	name  string
	src   string
	calls []call
	check func(t *testing.T, mod api.Module) // optional extra assertions
}

func i32v(v int32) uint64 { return uint64(uint32(v)) }
func i64v(v int64) uint64 { return uint64(v) }

var runCases = []runCase{
	{
		name: "factorial in a flat loop",
		src: `(module
  (func $fac (export "fac") (param $n i64) (result i64) (local $acc i64)
    i64.const 1
    local.set $acc
    block $done
      loop $again
        local.get $n
        i64.eqz
        br_if $done
        local.get $acc
        local.get $n
        i64.mul
        local.set $acc
        local.get $n
        i64.const 1
        i64.sub
        local.set $n
        br $again
      end $again
    end $done
    local.get $acc))`,
		calls: []call{
			{"fac", []uint64{0}, []uint64{1}},
			{"fac", []uint64{5}, []uint64{120}},
			{"fac", []uint64{20}, []uint64{2432902008176640000}},
		},
	},
	{
		name: "recursive factorial with folded if and else",
		src: `(module
  (func $fac (export "fac") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 1))
      (else (i32.mul (local.get 0) (call $fac (i32.sub (local.get 0) (i32.const 1))))))))`,
		calls: []call{{"fac", []uint64{0}, []uint64{1}}, {"fac", []uint64{10}, []uint64{3628800}}},
	},
	{
		name: "flat if else with result and labels by depth",
		src: `(module
  (func (export "pick") (param i32) (result i32)
    local.get 0
    if $l (result i32)
      i32.const 10
    else $l
      i32.const 20
    end)
  (func (export "depth") (param i32) (result i32)
    (block (result i32)
      (block
        (block
          (br_if 2 (i32.const 7) (local.get 0))
          (br 1))
        (unreachable))
      (i32.const 9))))`,
		calls: []call{
			{"pick", []uint64{1}, []uint64{10}},
			{"pick", []uint64{0}, []uint64{20}},
			{"depth", []uint64{1}, []uint64{7}},
			{"depth", []uint64{0}, []uint64{9}},
		},
	},
	{
		name: "folded if without else, loop with label, br_table, select, return",
		src: `(module
  (func (export "sum") (param $n i32) (result i32) (local $s i32)
    (block $out
      (loop $top
        (br_if $out (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $top)))
    (local.get $s))
  (func (export "switch") (param i32) (result i32)
    (block $default
      (block $two
        (block $one
          (block $zero
            (br_table $zero $one $two $default (local.get 0)))
          (return (i32.const 100)))
        (return (i32.const 101)))
      (return (i32.const 102)))
    (i32.const -1))
  (func (export "max") (param i32 i32) (result i32)
    (select (local.get 0) (local.get 1) (i32.gt_s (local.get 0) (local.get 1))))
  (func (export "clamp") (param i32) (result i32)
    (if (i32.lt_s (local.get 0) (i32.const 0)) (then (return (i32.const 0))))
    nop
    (drop (i32.const 5))
    (local.tee 0 (local.get 0))))`,
		calls: []call{
			{"sum", []uint64{100}, []uint64{5050}},
			{"switch", []uint64{0}, []uint64{100}},
			{"switch", []uint64{2}, []uint64{102}},
			{"switch", []uint64{9}, []uint64{i32v(-1)}},
			{"max", []uint64{i32v(-3), 2}, []uint64{2}},
			{"max", []uint64{7, 2}, []uint64{7}},
			{"clamp", []uint64{i32v(-4)}, []uint64{0}},
			{"clamp", []uint64{4}, []uint64{4}},
		},
	},
	{
		name: "integer literals",
		src: `(module
  (func (export "a") (result i32) i32.const 0xFFFFFFFF)
  (func (export "b") (result i32) (i32.const -2147483648))
  (func (export "c") (result i32) (i32.const 0x8000_0000))
  (func (export "d") (result i32) (i32.const 1_000_000))
  (func (export "e") (result i64) (i64.const -0x8000000000000000))
  (func (export "f") (result i64) (i64.const 0xFFFF_FFFF_FFFF_FFFF))
  (func (export "g") (result i64) (i64.const +64))
  (func (export "h") (result i32) (i32.const -0x1)))`,
		calls: []call{
			{"a", nil, []uint64{i32v(-1)}},
			{"b", nil, []uint64{i32v(math.MinInt32)}},
			{"c", nil, []uint64{0x80000000}},
			{"d", nil, []uint64{1000000}},
			{"e", nil, []uint64{i64v(math.MinInt64)}},
			{"f", nil, []uint64{math.MaxUint64}},
			{"g", nil, []uint64{64}},
			{"h", nil, []uint64{i32v(-1)}},
		},
	},
	{
		name: "float constants and conversions",
		src: `(module
  (func (export "f32") (result f32) (f32.const 1.5))
  (func (export "f64") (result f64) (f64.const -0.125))
  (func (export "hex") (result f64) (f64.const 0x1p-2))
  (func (export "inf") (result f32) (f32.const -inf))
  (func (export "exp") (result f64) (f64.const 1_000.5e+2))
  (func (export "wrap") (param i64) (result i32) (i32.wrap_i64 (local.get 0)))
  (func (export "extend") (param i32) (result i64) (i64.extend_i32_u (local.get 0))))`,
		calls: []call{
			{"f32", nil, []uint64{api.EncodeF32(1.5)}},
			{"f64", nil, []uint64{api.EncodeF64(-0.125)}},
			{"hex", nil, []uint64{api.EncodeF64(0.25)}},
			{"inf", nil, []uint64{api.EncodeF32(float32(math.Inf(-1)))}},
			{"exp", nil, []uint64{api.EncodeF64(100050)}},
			{"wrap", []uint64{0x1_0000_0005}, []uint64{5}},
			{"extend", []uint64{i32v(-1)}, []uint64{0xFFFFFFFF}},
		},
	},
	{
		name: "globals, exported global and start function",
		src: `(module
  (global $count (export "count") (mut i32) (i32.const 40))
  (global $step i64 (i64.const 2))
  (global (mut f64) (f64.const 0))
  (start $init)
  (func $init (global.set $count (i32.add (global.get $count) (i32.wrap_i64 (global.get $step)))))
  (func (export "bump") (result i32)
    global.get 0
    i32.const 1
    i32.add
    global.set $count
    global.get $count))`,
		calls: []call{{"bump", nil, []uint64{43}}, {"bump", nil, []uint64{44}}},
		check: func(t *testing.T, mod api.Module) {
			if got := mod.ExportedGlobal("count").Get(); got != 44 {
				t.Errorf("exported global count = %d, want 44", got)
			}
		},
	},
	{
		name: "memory, data segment with escapes, loads and stores",
		src: `(module
  (memory $mem (export "memory") 1 2)
  (data (i32.const 1024) "hi\00\n\t\\\"\41\u{e9}" "!")
  (data (memory $mem) (offset i32.const 8) "\ff\ff\ff\ff")
  (func (export "byte") (param i32) (result i32) (i32.load8_u offset=1024 (local.get 0)))
  (func (export "word") (result i32) (i32.load (i32.const 8)))
  (func (export "put") (param i32 i64)
    (i64.store offset=16 align=8 (local.get 0) (local.get 1))
    (i32.store8 (i32.const 2000) (i32.const 0x1FF))
    (i32.store (i32.const 2004) (i32.const 0xCAFE)))
  (func (export "get") (param i32) (result i64) (i64.load offset=16 (local.get 0))))`,
		calls: []call{
			{"byte", []uint64{0}, []uint64{'h'}},
			{"byte", []uint64{2}, []uint64{0}},
			{"byte", []uint64{7}, []uint64{'A'}},
			{"word", nil, []uint64{0xFFFFFFFF}},
			{"put", []uint64{100, 0x0102030405060708}, nil},
			{"get", []uint64{100}, []uint64{0x0102030405060708}},
		},
		check: func(t *testing.T, mod api.Module) {
			got, ok := mod.Memory().Read(1024, 11)
			if want := "hi\x00\n\t\\\"A\u00e9!"; !ok || string(got) != want {
				t.Errorf("data segment = %q, want %q", got, want)
			}
			if b, _ := mod.Memory().ReadByte(2000); b != 0xFF {
				t.Errorf("i32.store8 wrote %#x, want 0xff", b)
			}
			if v, _ := mod.Memory().ReadUint32Le(2004); v != 0xCAFE {
				t.Errorf("i32.store wrote %#x, want 0xcafe", v)
			}
		},
	},
	{
		name: "memory.grow returns -1 past the maximum",
		src: `(module
  (memory 1 3)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) memory.size))`,
		calls: []call{
			{"size", nil, []uint64{1}},
			{"grow", []uint64{1}, []uint64{1}},
			{"grow", []uint64{2}, []uint64{i32v(-1)}},
			{"grow", []uint64{1}, []uint64{2}},
			{"size", nil, []uint64{3}},
			{"grow", []uint64{1}, []uint64{i32v(-1)}},
		},
	},
	{
		name: "imports from a host module",
		src: `(module
  (type $binop (func (param i32 i32) (result i32)))
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (import "env" "add" (func $add2 (type $binop)))
  (func $twice (import "env" "twice") (param i64) (result i64))
  (func (export "run") (param i32) (result i32)
    (call $add (local.get 0) (call $add2 (i32.const 1) (i32.const 2))))
  (func (export "run64") (result i64) (call $twice (i64.const 21))))`,
		calls: []call{{"run", []uint64{10}, []uint64{13}}, {"run64", nil, []uint64{42}}},
	},
	{
		name: "comments, bare fields and explicit exports",
		src: `;; a line comment
(; a block (; nested ;) comment ;)
(func $f (result i32) ;; trailing
  (; inline ;) i32.const 7)
(global $g i32 (i32.const 3))
(memory 1)
(export "f" (func $f))
(export "f0" (func 0))
(export "g" (global $g))
(export "mem" (memory 0))`,
		calls: []call{{"f", nil, []uint64{7}}, {"f0", nil, []uint64{7}}},
		check: func(t *testing.T, mod api.Module) {
			if mod.ExportedGlobal("g").Get() != 3 || mod.ExportedMemory("mem") == nil {
				t.Error("explicit exports of global and memory missing")
			}
		},
	},
	{
		name: "type uses, re-exported import and branches carrying values",
		src: `(module
  (type $un (func (param i32) (result i32)))
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (export "add" (func $add))
  (func $inc (type $un) (i32.add (local.get 0) (i32.const 1)))
  (func (export "dec") (type 0) (param $x i32) (result i32) (i32.sub (local.get $x) (i32.const 1)))
  (func (export "twice") (param i32) (result i32) (call $inc (call $inc (local.get 0))))
  (func (export "pair") (result i32 i64) i32.const 1 i64.const 2)
  (func (export "first_odd") (param $n i32) (result i32)
    block $found (result i32)
      (loop $next
        (br_if $found (local.get $n) (i32.and (local.get $n) (i32.const 1)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next))
      unreachable
    end))`,
		calls: []call{
			{"add", []uint64{2, 3}, []uint64{5}},
			{"dec", []uint64{10}, []uint64{9}},
			{"twice", []uint64{5}, []uint64{7}},
			{"pair", nil, []uint64{1, 2}},
			{"first_odd", []uint64{8}, []uint64{9}},
			{"first_odd", []uint64{7}, []uint64{7}},
		},
	},
	{
		name: "function names reach stack traces",
		src: `(module $guest
  (func $boom unreachable)
  (func (export "trap") call $boom))`,
		check: func(t *testing.T, mod api.Module) {
			_, err := mod.ExportedFunction("trap").Call(context.Background())
			if err == nil || !strings.Contains(err.Error(), "guest.boom") {
				t.Errorf("trap error = %v, want a stack trace naming guest.boom", err)
			}
		},
	},
}

// lowBits keeps the meaningful 32 bits of i32 and f32 results: the API
// defines only those, and the compiler may leave garbage above them.
func lowBits(types []api.ValueType, vals []uint64) []uint64 {
	for i, t := range types {
		if i < len(vals) && (t == api.ValueTypeI32 || t == api.ValueTypeF32) {
			vals[i] = uint64(uint32(vals[i]))
		}
	}
	return vals
}

// newRuntime returns a wazero runtime with an "env" host module for imports.
func newRuntime(t testing.TB, ctx context.Context, cfg wazero.RuntimeConfig) wazero.Runtime {
	r := wazero.NewRuntimeWithConfig(ctx, cfg)
	t.Cleanup(func() { r.Close(ctx) })
	_, err := r.NewHostModuleBuilder("env").
		NewFunctionBuilder().WithFunc(func(a, b int32) int32 { return a + b }).Export("add").
		NewFunctionBuilder().WithFunc(func(v int64) int64 { return 2 * v }).Export("twice").
		Instantiate(ctx)
	if err != nil {
		t.Fatalf("instantiating host module: %v", err)
	}
	return r
}

func TestCompileAndRun(t *testing.T) {
	for _, tc := range runCases {
		t.Run(tc.name, func(t *testing.T) {
			bin, err := Compile([]byte(tc.src))
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			ctx := context.Background()
			r := newRuntime(t, ctx, wazero.NewRuntimeConfig())
			mod, err := r.Instantiate(ctx, bin)
			if err != nil {
				t.Fatalf("Instantiate: %v", err)
			}
			for _, c := range tc.calls {
				fn := mod.ExportedFunction(c.fn)
				if fn == nil {
					t.Fatalf("export %q missing", c.fn)
				}
				got, err := fn.Call(ctx, c.args...)
				if err != nil {
					t.Fatalf("%s(%v): %v", c.fn, c.args, err)
				}
				got = lowBits(fn.Definition().ResultTypes(), got)
				if !slices.Equal(got, c.want) && len(got)+len(c.want) > 0 {
					t.Errorf("%s(%v) = %#x, want %#x", c.fn, c.args, got, c.want)
				}
			}
			if tc.check != nil {
				tc.check(t, mod)
			}
		})
	}
}

// TestInfiniteLoopInterrupted proves the loop and br encoding: the guest spins
// until the context deadline closes it.
func TestInfiniteLoopInterrupted(t *testing.T) {
	bin, err := Compile([]byte(`(module (func (export "spin") (loop $forever (br $forever))))`))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := newRuntime(t, ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(true))
	mod, err := r.Instantiate(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	deadline, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = mod.ExportedFunction("spin").Call(deadline)
	if err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("spin returned %v, want a deadline error", err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("spin returned after %v, before the deadline", d)
	}
}

func TestCompileErrorType(t *testing.T) {
	_, err := Compile([]byte("(module\n  (func i32.bogus))"))
	var e *Error
	if !errors.As(err, &e) || e.Line != 2 || e.Col != 9 {
		t.Fatalf("err = %#v, want *Error at 2:9", err)
	}
}
