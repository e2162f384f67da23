package runtime

import (
	"errors"
	"fmt"
)

// InterruptGlobal is the name under which an instrumented module exports
// its interrupt flag.
const InterruptGlobal = "wasmpages_interrupt"

// Instrument rewrites a WebAssembly module so that it can be interrupted
// cheaply: it adds a mutable i32 global, exported as InterruptGlobal, and
// at the head of every loop the instructions
//
//	global.get $interrupt  if  unreachable  end
//
// Setting the global to a nonzero value from outside makes the guest trap at
// its next loop iteration. That costs one load and one branch per
// iteration, where wazero's own WithCloseOnContextDone leaves native code
// for Go at every iteration (see RATIONALE.md). A guest that does not loop
// ends by itself; recursion ends in a stack overflow.
//
// Instrument decodes every instruction to find the loops; a module with an
// instruction it does not know is refused rather than guessed at.
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
	importedGlobals, err := countImportedGlobals(secs)
	if err != nil {
		return nil, err
	}
	definedGlobals := uint32(0)
	if s := find(secs, secGlobal); s != nil {
		definedGlobals, err = vecLen(s.body)
		if err != nil {
			return nil, err
		}
	}
	idx := importedGlobals + definedGlobals

	// The new global: (mut i32) initialised with i32.const 0.
	secs = appendToVec(secs, secGlobal, []byte{0x7f, 0x01, 0x41, 0x00, 0x0b})
	export := appendName(nil, InterruptGlobal)
	export = append(export, 0x03)
	export = appendU32(export, idx)
	secs = appendToVec(secs, secExport, export)
	if s := find(secs, secCode); s != nil {
		if s.body, err = instrumentCode(s.body, idx); err != nil {
			return nil, err
		}
	}
	out := append([]byte(nil), wasm[:8]...)
	for _, s := range secs {
		out = append(out, s.id)
		out = appendU32(out, uint32(len(s.body)))
		out = append(out, s.body...)
	}
	return out, nil
}

// Section ids, and the order in which non-custom sections must appear.
const (
	secImport byte = 2
	secGlobal byte = 6
	secExport byte = 7
	secCode   byte = 10
)

var sectionOrder = map[byte]int{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13}

type section struct {
	id   byte
	body []byte
}

func find(secs []section, id byte) *section {
	for i := range secs {
		if secs[i].id == id {
			return &secs[i]
		}
	}
	return nil
}

// appendToVec appends one entry to the vector that makes up section id,
// creating the section in its place if the module has none.
func appendToVec(secs []section, id byte, entry []byte) []section {
	if s := find(secs, id); s != nil {
		r := &reader{b: s.body}
		n := r.u32()
		rest := s.body[r.off:]
		body := appendU32(nil, n+1)
		body = append(body, rest...)
		s.body = append(body, entry...)
		return secs
	}
	body := append(appendU32(nil, 1), entry...)
	at := len(secs)
	for i, s := range secs {
		if o, ok := sectionOrder[s.id]; ok && o > sectionOrder[id] {
			at = i
			break
		}
	}
	secs = append(secs, section{})
	copy(secs[at+1:], secs[at:])
	secs[at] = section{id: id, body: body}
	return secs
}

func vecLen(b []byte) (uint32, error) {
	r := &reader{b: b}
	n := r.u32()
	return n, r.err
}

// countImportedGlobals counts the global imports, which come before the
// module's own globals in the index space.
func countImportedGlobals(secs []section) (uint32, error) {
	s := find(secs, secImport)
	if s == nil {
		return 0, nil
	}
	r := &reader{b: s.body}
	n := r.u32()
	var globals uint32
	for i := uint32(0); i < n && r.err == nil; i++ {
		r.bytes(int(r.u32())) // module
		r.bytes(int(r.u32())) // name
		switch kind := r.byte(); kind {
		case 0x00, 0x04: // func type index; tag: attribute and type index
			if kind == 0x04 {
				r.byte()
			}
			r.u32()
		case 0x01: // table: reftype, limits
			r.byte()
			r.limits()
		case 0x02: // memory: limits
			r.limits()
		case 0x03: // global: valtype, mutability
			r.byte()
			r.byte()
			globals++
		default:
			return 0, fmt.Errorf("unknown import kind 0x%02x", kind)
		}
	}
	if r.err != nil {
		return 0, fmt.Errorf("malformed import section: %w", r.err)
	}
	return globals, nil
}

// instrumentCode rewrites every function body of a code section.
func instrumentCode(body []byte, global uint32) ([]byte, error) {
	check := []byte{0x23}
	check = appendU32(check, global)
	check = append(check, 0x04, 0x40, 0x00, 0x0b)

	r := &reader{b: body}
	n := r.u32()
	out := appendU32(nil, n)
	var fn []byte
	for i := uint32(0); i < n; i++ {
		size := r.u32()
		code := r.bytes(int(size))
		if r.err != nil {
			return nil, fmt.Errorf("malformed code section: %w", r.err)
		}
		var err error
		if fn, err = instrumentBody(fn[:0], code, check); err != nil {
			return nil, fmt.Errorf("function %d: %w", i, err)
		}
		out = appendU32(out, uint32(len(fn)))
		out = append(out, fn...)
	}
	if !r.done() {
		return nil, errors.New("malformed code section: trailing bytes")
	}
	return out, nil
}

// instrumentBody copies one function body to dst, inserting check after the
// block type of every loop.
func instrumentBody(dst, code, check []byte) ([]byte, error) {
	r := &reader{b: code}
	groups := r.u32()
	for i := uint32(0); i < groups; i++ {
		r.u32()  // count
		r.byte() // value type
	}
	if r.err != nil {
		return nil, r.err
	}
	start := 0
	for !r.done() {
		op := r.byte()
		if err := r.skipImmediates(op); err != nil {
			return nil, err
		}
		if r.err != nil {
			return nil, r.err
		}
		if op == 0x03 { // loop
			dst = append(dst, code[start:r.off]...)
			dst = append(dst, check...)
			start = r.off
		}
	}
	return append(dst, code[start:]...), nil
}
