package runtime

import (
	"context"
	"errors"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

// Instrument rewrites a WebAssembly module so that a guest that runs too
// long can be stopped, and so that it never holds up Go's garbage
// collector. It adds an imported function, checkpoint
// (CheckpointModule.CheckpointFunc), and a mutable i32 global, the fuel,
// and inserts at the entry of every function
//
//	global.get $fuel  i32.const -1  i32.add  global.set $fuel
//	global.get $fuel  i32.eqz
//	if  call $checkpoint  i32.const fuelPerCheckpoint  global.set $fuel  end
//
// and at the head of every loop, counting in a local it adds to the
// function (a register, where the global would be a store and a load on
// every iteration):
//
//	local.get $n  i32.const 1  i32.add  local.tee $n
//	i32.const loopsPerCheckpoint-1  i32.and  i32.eqz
//	if  call $checkpoint  end
//
// So the guest calls into the host every so many calls or loop
// iterations. The checkpoint traps once the invocation is past its
// deadline (or its context is done), so no timer is needed; and because it
// is Go code, the Go scheduler can stop the goroutine there. Compiled
// WebAssembly cannot be preempted: without the checkpoint, a garbage
// collection that starts while a guest spins waits for the guest, and
// anything that would stop the guest from another goroutine waits for the
// collection: the whole process hangs.
//
// wazero's own WithCloseOnContextDone leaves native code for Go at every
// loop iteration; see RATIONALE.md for the costs measured.
//
// Adding an import shifts the index of every function the module defines,
// so Instrument renumbers them wherever they appear: calls, ref.func,
// exports, the start function, element segments, global initialisers and
// the function names of the name section. DWARF sections, which describe
// the code before the rewrite, are dropped. Instrument decodes every
// instruction; a module with one it does not know is refused rather than
// guessed at.
func Instrument(wasm []byte) ([]byte, error) {
	if len(wasm) < 8 || string(wasm[:4]) != "\x00asm" || string(wasm[4:8]) != "\x01\x00\x00\x00" {
		return nil, errors.New("not a WebAssembly binary module (bad magic or version)")
	}
	var secs []section
	r := &reader{b: wasm, off: 8}
	for !r.done() {
		id := r.byte()
		size := r.u32()
		body := r.bytes(int(size))
		if r.err != nil {
			return nil, fmt.Errorf("malformed section %d: %w", id, r.err)
		}
		secs = append(secs, section{id: id, body: body})
	}
	imported, err := countImports(secs)
	if err != nil {
		return nil, err
	}
	types, err := vecLenOf(secs, secType)
	if err != nil {
		return nil, err
	}
	definedGlobals, err := vecLenOf(secs, secGlobal)
	if err != nil {
		return nil, err
	}
	params, err := paramCounts(secs)
	if err != nil {
		return nil, err
	}
	x := &instrumenter{
		firstDefined: imported.funcs,
		checkpoint:   imported.funcs, // the new import comes after the others
		fuel:         imported.globals + definedGlobals,
		params:       params,
	}

	out := append([]byte(nil), wasm[:8]...)
	for i := range secs {
		s := &secs[i]
		var err error
		switch s.id {
		case secCustom:
			s.body, err = x.custom(s.body)
		case secExport:
			s.body, err = x.exports(s.body)
		case secStart:
			s.body, err = x.start(s.body)
		case secElem:
			s.body, err = x.elems(s.body)
		case secGlobal:
			s.body, err = x.globals(s.body)
		case secCode:
			s.body, err = x.code(s.body)
		}
		if err != nil {
			return nil, err
		}
	}
	// () -> ()
	secs = appendToVec(secs, secType, []byte{0x60, 0x00, 0x00})
	imp := appendName(nil, CheckpointModule)
	imp = appendName(imp, CheckpointFunc)
	imp = append(imp, 0x00)
	imp = appendU32(imp, types)
	secs = appendToVec(secs, secImport, imp)
	// (global (mut i32) (i32.const fuelPerCheckpoint))
	g := []byte{0x7f, 0x01, 0x41}
	g = appendS32(g, fuelPerCheckpoint)
	secs = appendToVec(secs, secGlobal, append(g, 0x0b))

	for _, s := range secs {
		if s.body == nil && s.id == secCustom {
			continue // dropped
		}
		out = append(out, s.id)
		out = appendU32(out, uint32(len(s.body)))
		out = append(out, s.body...)
	}
	return out, nil
}

// The import Instrument adds, provided by every engine.
const (
	CheckpointModule = "wasmpages_internal"
	CheckpointFunc   = "checkpoint"
)

// How often a guest reaches a checkpoint: every fuelPerCheckpoint function
// calls, and every loopsPerCheckpoint loop iterations within one call. A
// tight loop iteration takes about a nanosecond, so a spinning guest
// reaches a checkpoint every ~16 µs; a checkpoint costs a call into Go and
// a read of the clock, ~0.1 µs. Loops with heavy bodies reach one less
// often, but still within milliseconds.
const (
	fuelPerCheckpoint  = 10_000
	loopsPerCheckpoint = 1 << 14 // a power of two: the check is a mask
)

// errInterrupted is what the checkpoint panics with at the time limit; the
// call fails with it and Invoke answers 504.
var errInterrupted = errors.New("interrupted at its time limit")

// instantiateCheckpoint defines CheckpointModule in rt.
func instantiateCheckpoint(ctx context.Context, rt wazero.Runtime) error {
	_, err := rt.NewHostModuleBuilder(CheckpointModule).
		NewFunctionBuilder().
		WithGoFunction(api.GoFunc(func(ctx context.Context, _ []uint64) {
			if c := callFrom(ctx); c != nil && c.expired() || ctx.Err() != nil {
				panic(errInterrupted)
			}
		}), nil, nil).
		Export(CheckpointFunc).
		Instantiate(ctx)
	return err
}

// instrumenter rewrites the sections of one module.
type instrumenter struct {
	firstDefined uint32 // index of the first function the module defines
	checkpoint   uint32 // index of the added import
	fuel         uint32 // index of the added global
	params       []uint32
}

// fn maps a function index of the original module to the rewritten one.
func (x *instrumenter) fn(i uint32) uint32 {
	if i >= x.firstDefined {
		return i + 1
	}
	return i
}

// entryCheck is the sequence inserted at function entries. The second
// global.get is free: the compiler reuses the value just set.
func (x *instrumenter) entryCheck(dst []byte) []byte {
	dst = appendU32(append(dst, 0x23), x.fuel) // global.get
	dst = append(dst, 0x41, 0x7f, 0x6a)        // i32.const -1 i32.add
	dst = appendU32(append(dst, 0x24), x.fuel) // global.set
	dst = appendU32(append(dst, 0x23), x.fuel)
	dst = append(dst, 0x45, 0x04, 0x40) // i32.eqz if
	dst = appendU32(append(dst, 0x10), x.checkpoint)
	dst = appendS32(append(dst, 0x41), fuelPerCheckpoint)
	dst = appendU32(append(dst, 0x24), x.fuel)
	return append(dst, 0x0b) // end
}

// loopCheck is the sequence inserted at loop heads; counter is a local the
// instrumentation adds, which the compiler keeps in a register.
func (x *instrumenter) loopCheck(dst []byte, counter uint32) []byte {
	dst = appendU32(append(dst, 0x20), counter) // local.get
	dst = append(dst, 0x41, 0x01, 0x6a)         // i32.const 1 i32.add
	dst = appendU32(append(dst, 0x22), counter) // local.tee
	dst = appendS32(append(dst, 0x41), loopsPerCheckpoint-1)
	dst = append(dst, 0x71, 0x45, 0x04, 0x40) // i32.and i32.eqz if
	dst = appendU32(append(dst, 0x10), x.checkpoint)
	return append(dst, 0x0b) // end
}

// expr copies instructions from r to dst up to and including the end that
// closes the expression, renumbering function indices and, when instrument
// is at least 0, inserting checks that count in that local at loop heads.
// loops says whether there was a loop.
func (x *instrumenter) expr(dst []byte, r *reader, counter int64) (out []byte, loops bool, err error) {
	depth := 0
	for {
		start := r.off
		op := r.byte()
		if r.err != nil {
			return nil, false, r.err
		}
		switch op {
		case 0x10, 0x12, 0xd2: // call return_call ref.func
			idx := r.u32()
			dst = appendU32(append(dst, op), x.fn(idx))
			continue
		case 0x02, 0x03, 0x04, 0x06, 0x1f: // block loop if try try_table
			depth++
		case 0x0b, 0x18: // end delegate
			depth--
		}
		if err := r.skipImmediates(op); err != nil {
			return nil, false, err
		}
		if r.err != nil {
			return nil, false, r.err
		}
		dst = append(dst, r.b[start:r.off]...)
		if op == 0x03 && counter >= 0 {
			dst = x.loopCheck(dst, uint32(counter))
			loops = true
		}
		if depth < 0 {
			return dst, loops, nil
		}
	}
}

// code rewrites every function body of the code section.
func (x *instrumenter) code(body []byte) ([]byte, error) {
	r := &reader{b: body}
	n := r.u32()
	out := appendU32(nil, n)
	var fn []byte
	for i := uint32(0); i < n; i++ {
		size := r.u32()
		code := &reader{b: r.bytes(int(size))}
		if r.err != nil {
			return nil, fmt.Errorf("malformed code section: %w", r.err)
		}
		if int(i) >= len(x.params) {
			return nil, errors.New("more function bodies than functions")
		}
		locals := uint64(x.params[i])
		groups := code.u32()
		for j := uint32(0); j < groups; j++ {
			locals += uint64(code.u32())
			code.valType()
		}
		if code.err != nil || locals >= 1<<31 {
			return nil, fmt.Errorf("function %d: malformed locals", i)
		}
		header := code.b[:code.off]
		fn = x.entryCheck(fn[:0])
		var err error
		var loops bool
		if fn, loops, err = x.expr(fn, code, int64(locals)); err != nil {
			return nil, fmt.Errorf("function %d: %w", i, err)
		}
		if !code.done() {
			return nil, fmt.Errorf("function %d: bytes after its end", i)
		}
		if loops { // declare the counter: one more group, of one i32
			h := &reader{b: header}
			h.u32()
			header = append(appendU32(nil, groups+1), header[h.off:]...)
			header = append(header, 0x01, 0x7f)
		}
		out = appendU32(out, uint32(len(header)+len(fn)))
		out = append(out, header...)
		out = append(out, fn...)
	}
	if !r.done() {
		return nil, errors.New("malformed code section: trailing bytes")
	}
	return out, nil
}
