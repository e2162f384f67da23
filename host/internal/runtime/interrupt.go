package runtime

import (
	"context"
	"errors"
	"fmt"
	"strings"

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

// exports renumbers exported functions.
func (x *instrumenter) exports(body []byte) ([]byte, error) {
	r := &reader{b: body}
	n := r.u32()
	out := appendU32(nil, n)
	for i := uint32(0); i < n && r.err == nil; i++ {
		name := r.bytes(int(r.u32()))
		kind := r.byte()
		idx := r.u32()
		if kind == 0x00 {
			idx = x.fn(idx)
		}
		out = appendU32(out, uint32(len(name)))
		out = append(out, name...)
		out = appendU32(append(out, kind), idx)
	}
	if r.err != nil || !r.done() {
		return nil, errors.New("malformed export section")
	}
	return out, nil
}

// start renumbers the start function.
func (x *instrumenter) start(body []byte) ([]byte, error) {
	r := &reader{b: body}
	idx := r.u32()
	if r.err != nil || !r.done() {
		return nil, errors.New("malformed start section")
	}
	return appendU32(nil, x.fn(idx)), nil
}

// globals renumbers ref.func in global initialisers.
func (x *instrumenter) globals(body []byte) ([]byte, error) {
	r := &reader{b: body}
	n := r.u32()
	out := appendU32(nil, n)
	for i := uint32(0); i < n && r.err == nil; i++ {
		start := r.off
		r.valType()
		r.byte() // mutability
		out = append(out, r.b[start:r.off]...)
		var err error
		if out, _, err = x.expr(out, r, -1); err != nil {
			return nil, fmt.Errorf("malformed global section: %w", err)
		}
	}
	if r.err != nil || !r.done() {
		return nil, errors.New("malformed global section")
	}
	return out, nil
}

// elems renumbers the functions of element segments, in every one of the
// eight encodings: bit 0 marks a passive or declarative segment, bit 1 an
// explicit table (or, with bit 0, declarative), bit 2 expressions instead of
// function indices.
func (x *instrumenter) elems(body []byte) ([]byte, error) {
	r := &reader{b: body}
	n := r.u32()
	out := appendU32(nil, n)
	var err error
	for i := uint32(0); i < n && r.err == nil && err == nil; i++ {
		flags := r.u32()
		out = appendU32(out, flags)
		if flags > 7 {
			return nil, fmt.Errorf("malformed element section: flags %d", flags)
		}
		if flags&3 == 2 {
			out = appendU32(out, r.u32()) // table index
		}
		if flags&1 == 0 {
			if out, _, err = x.expr(out, r, -1); err != nil { // offset
				break
			}
		}
		if flags&3 != 0 {
			start := r.off
			if flags&4 != 0 {
				r.valType() // reftype
			} else {
				r.byte() // elemkind
			}
			out = append(out, r.b[start:r.off]...)
		}
		count := r.u32()
		out = appendU32(out, count)
		for j := uint32(0); j < count && r.err == nil && err == nil; j++ {
			if flags&4 != 0 {
				out, _, err = x.expr(out, r, -1)
			} else {
				out = appendU32(out, x.fn(r.u32()))
			}
		}
	}
	if err != nil || r.err != nil || !r.done() {
		return nil, fmt.Errorf("malformed element section: %v", errors.Join(err, r.err))
	}
	return out, nil
}

// custom renumbers the function names of the name section and drops DWARF
// sections (nil body), which no longer match the code. Other custom
// sections are kept as they are.
func (x *instrumenter) custom(body []byte) ([]byte, error) {
	r := &reader{b: body}
	name := string(r.bytes(int(r.u32())))
	if r.err != nil {
		return nil, errors.New("malformed custom section")
	}
	switch {
	case strings.HasPrefix(name, ".debug_"):
		return nil, nil
	case name != "name":
		return body, nil
	}
	out := append([]byte(nil), body[:r.off]...)
	for !r.done() {
		id := r.byte()
		sub := &reader{b: r.bytes(int(r.u32()))}
		if r.err != nil {
			return nil, nil // a malformed name section is dropped, not fatal
		}
		var b []byte
		switch id {
		case 1: // function names: vec(funcidx name)
			n := sub.u32()
			b = appendU32(nil, n)
			for i := uint32(0); i < n && sub.err == nil; i++ {
				b = appendU32(b, x.fn(sub.u32()))
				s := sub.bytes(int(sub.u32()))
				b = append(appendU32(b, uint32(len(s))), s...)
			}
		case 2, 3: // local and label names: vec(funcidx namemap)
			n := sub.u32()
			b = appendU32(nil, n)
			for i := uint32(0); i < n && sub.err == nil; i++ {
				b = appendU32(b, x.fn(sub.u32()))
				start := sub.off
				m := sub.u32()
				for j := uint32(0); j < m && sub.err == nil; j++ {
					sub.u32()
					sub.bytes(int(sub.u32()))
				}
				b = append(b, sub.b[start:sub.off]...)
			}
		default:
			b = sub.b
			sub.off = len(sub.b)
		}
		if sub.err != nil || !sub.done() {
			return nil, nil
		}
		out = append(out, id)
		out = appendU32(out, uint32(len(b)))
		out = append(out, b...)
	}
	return out, nil
}

// paramCounts returns the number of parameters of each function the module
// defines, from its function and type sections.
func paramCounts(secs []section) ([]uint32, error) {
	var params []uint32 // per type
	if s := find(secs, secType); s != nil {
		r := &reader{b: s.body}
		n := r.u32()
		for i := uint32(0); i < n && r.err == nil; i++ {
			if form := r.byte(); form != 0x60 {
				return nil, fmt.Errorf("type %d: unsupported type form 0x%02x", i, form)
			}
			np := r.u32()
			for j := uint32(0); j < np && r.err == nil; j++ {
				r.valType()
			}
			nr := r.u32()
			for j := uint32(0); j < nr && r.err == nil; j++ {
				r.valType()
			}
			params = append(params, np)
		}
		if r.err != nil {
			return nil, fmt.Errorf("malformed type section: %w", r.err)
		}
	}
	s := find(secs, secFunction)
	if s == nil {
		return nil, nil
	}
	r := &reader{b: s.body}
	n := r.u32()
	var out []uint32
	for i := uint32(0); i < n && r.err == nil; i++ {
		t := r.u32()
		if int(t) >= len(params) {
			return nil, fmt.Errorf("function %d: no type %d", i, t)
		}
		out = append(out, params[t])
	}
	if r.err != nil {
		return nil, fmt.Errorf("malformed function section: %w", r.err)
	}
	return out, nil
}
