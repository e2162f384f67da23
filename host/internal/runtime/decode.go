package runtime

import (
	"errors"
	"fmt"
)

// reader decodes the WebAssembly binary format for Instrument. Errors stick:
// after the first, every read returns zero and err says what went wrong.
type reader struct {
	b   []byte
	off int
	err error
}

var errShort = errors.New("unexpected end")

func (r *reader) done() bool { return r.err != nil || r.off >= len(r.b) }

func (r *reader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.err = errShort
		return 0
	}
	c := r.b[r.off]
	r.off++
	return c
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.err = errShort
		return nil
	}
	s := r.b[r.off : r.off+n]
	r.off += n
	return s
}

// leb reads an unsigned LEB128 of at most maxBytes bytes.
func (r *reader) leb(maxBytes int) uint64 {
	var v uint64
	for i := 0; i < maxBytes; i++ {
		c := r.byte()
		if r.err != nil {
			return 0
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c&0x80 == 0 {
			return v
		}
	}
	r.err = errors.New("LEB128 too long")
	return 0
}

func (r *reader) u32() uint32 { return uint32(r.leb(5)) }

// limits skips a table's or memory's limits.
func (r *reader) limits() {
	flags := r.byte()
	r.leb(10)
	if flags&1 != 0 {
		r.leb(10)
	}
}

// blockType skips a block type: empty, a value type, or a type index (s33).
func (r *reader) blockType() {
	r.leb(5)
}

// memarg skips a memory operand: alignment (bit 6 flags a memory index),
// then offset.
func (r *reader) memarg() {
	if align := r.u32(); align&0x40 != 0 {
		r.u32()
	}
	r.leb(10)
}

// skipImmediates skips the immediates of the instruction op.
func (r *reader) skipImmediates(op byte) error {
	switch {
	case op == 0x02 || op == 0x03 || op == 0x04 || op == 0x06: // block loop if try
		r.blockType()
	case op == 0x07 || op == 0x08 || op == 0x09 || op == 0x18: // catch throw rethrow delegate
		r.u32()
	case op == 0x0c || op == 0x0d || op == 0x10 || op == 0x12 || op == 0xd2 || op == 0xd4 || op == 0xd6:
		r.u32() // br br_if call return_call ref.func br_on_null br_on_non_null
	case op == 0x0e: // br_table
		n := r.u32()
		for i := uint32(0); i <= n && r.err == nil; i++ {
			r.u32()
		}
	case op == 0x11 || op == 0x13: // call_indirect return_call_indirect
		r.u32()
		r.u32()
	case op == 0x1c: // select t*
		r.bytes(int(r.u32()))
	case op == 0x1f: // try_table
		r.blockType()
		n := r.u32()
		for i := uint32(0); i < n && r.err == nil; i++ {
			if kind := r.byte(); kind <= 1 {
				r.u32()
			}
			r.u32()
		}
	case op >= 0x20 && op <= 0x26: // local.* global.* table.get table.set
		r.u32()
	case op >= 0x28 && op <= 0x3e: // loads and stores
		r.memarg()
	case op == 0x3f || op == 0x40: // memory.size memory.grow
		r.u32()
	case op == 0x41:
		r.leb(5)
	case op == 0x42:
		r.leb(10)
	case op == 0x43:
		r.bytes(4)
	case op == 0x44:
		r.bytes(8)
	case op == 0xd0: // ref.null heaptype
		r.leb(5)
	case op == 0xfc:
		return r.skipFC(r.u32())
	case op == 0xfd:
		return r.skipSIMD(r.u32())
	case op == 0xfe:
		if sub := r.u32(); sub == 0x03 { // atomic.fence
			r.byte()
		} else if sub <= 0x4e {
			r.memarg()
		} else {
			return fmt.Errorf("unknown instruction 0xfe %d", sub)
		}
	case op <= 0x01 || op == 0x05 || op == 0x0a || op == 0x0b || op == 0x0f || op == 0x19 || op == 0x1a || op == 0x1b ||
		(op >= 0x45 && op <= 0xc4) || op == 0xd1 || op == 0xd3 || op == 0xd5:
		// No immediates.
	default:
		return fmt.Errorf("unknown instruction 0x%02x", op)
	}
	return nil
}

// skipFC skips the immediates of the 0xfc-prefixed instructions (saturating
// truncation, bulk memory, tables).
func (r *reader) skipFC(sub uint32) error {
	switch {
	case sub <= 7:
	case sub == 8, sub == 10, sub == 12, sub == 14: // memory.init memory.copy table.init table.copy
		r.u32()
		r.u32()
	case sub == 9, sub == 11, sub == 13, sub >= 15 && sub <= 17:
		r.u32()
	default:
		return fmt.Errorf("unknown instruction 0xfc %d", sub)
	}
	return nil
}

// skipSIMD skips the immediates of the 0xfd-prefixed (SIMD) instructions.
func (r *reader) skipSIMD(sub uint32) error {
	switch {
	case sub <= 11, sub == 92, sub == 93: // loads, stores, load_zero
		r.memarg()
	case sub == 12, sub == 13: // v128.const, i8x16.shuffle
		r.bytes(16)
	case sub >= 21 && sub <= 34: // extract_lane, replace_lane
		r.byte()
	case sub >= 84 && sub <= 91: // load_lane, store_lane
		r.memarg()
		r.byte()
	case sub <= 0x113:
		// No immediates (arithmetic, comparisons, relaxed SIMD).
	default:
		return fmt.Errorf("unknown instruction 0xfd %d", sub)
	}
	return nil
}

func appendU32(dst []byte, v uint32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			dst = append(dst, c|0x80)
			continue
		}
		return append(dst, c)
	}
}

func appendName(dst []byte, s string) []byte {
	dst = appendU32(dst, uint32(len(s)))
	return append(dst, s...)
}

// appendS32 appends v as a signed LEB128.
func appendS32(dst []byte, v int32) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(dst, c)
		}
		dst = append(dst, c|0x80)
	}
}

// valType skips a value type: one byte, or for the reference types of the
// GC proposal ((ref ht), (ref null ht)) a byte and a heap type.
func (r *reader) valType() {
	if t := r.byte(); t == 0x63 || t == 0x64 {
		r.leb(5)
	}
}

// Section ids, and the order in which non-custom sections must appear.
const (
	secCustom   byte = 0
	secType     byte = 1
	secImport   byte = 2
	secFunction byte = 3
	secGlobal   byte = 6
	secExport   byte = 7
	secStart    byte = 8
	secElem     byte = 9
	secCode     byte = 10
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
		body := appendU32(nil, n+1)
		body = append(body, s.body[r.off:]...)
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

// vecLenOf returns the length of the vector that makes up section id, 0 if
// the module has no such section.
func vecLenOf(secs []section, id byte) (uint32, error) {
	s := find(secs, id)
	if s == nil {
		return 0, nil
	}
	r := &reader{b: s.body}
	n := r.u32()
	if r.err != nil {
		return 0, fmt.Errorf("malformed section %d: %w", id, r.err)
	}
	return n, nil
}

// imports counts the functions and globals a module imports, which come
// before its own in their index spaces.
type imports struct{ funcs, globals uint32 }

func countImports(secs []section) (imports, error) {
	var c imports
	s := find(secs, secImport)
	if s == nil {
		return c, nil
	}
	r := &reader{b: s.body}
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		r.bytes(int(r.u32())) // module
		r.bytes(int(r.u32())) // name
		switch kind := r.byte(); kind {
		case 0x00: // func: type index
			r.u32()
			c.funcs++
		case 0x04: // tag: attribute and type index
			r.byte()
			r.u32()
		case 0x01: // table: reftype, limits
			r.valType()
			r.limits()
		case 0x02: // memory: limits
			r.limits()
		case 0x03: // global: valtype, mutability
			r.valType()
			r.byte()
			c.globals++
		default:
			return c, fmt.Errorf("unknown import kind 0x%02x", kind)
		}
	}
	if r.err != nil {
		return c, fmt.Errorf("malformed import section: %w", r.err)
	}
	return c, nil
}
