package wat

import (
	"encoding/binary"
	"math"
	"math/bits"
	"strings"
)

// immediates reads the operands written after an instruction's name.
func (b *bodyCompiler) immediates(n *node, op opInfo, c *cursor) ([]byte, error) {
	m := b.m
	switch op.imm {
	case immLabel:
		d, err := b.label(c)
		return appendULEB(nil, uint64(d)), err
	case immBrTable:
		var depths []uint32
		for p := c.peek(); p != nil && isRef(p); p = c.peek() {
			d, err := b.label(c)
			if err != nil {
				return nil, err
			}
			depths = append(depths, d)
		}
		if len(depths) == 0 {
			return nil, c.expected("label")
		}
		imm := appendULEB(nil, uint64(len(depths)-1))
		for _, d := range depths {
			imm = appendULEB(imm, uint64(d))
		}
		return imm, nil
	case immFunc:
		idx, err := ref(c, m.funcIDs, len(m.funcs), "function")
		return appendULEB(nil, uint64(idx)), err
	case immLocal:
		idx, err := ref(c, b.fn.localIDs, len(b.fn.locals), "local")
		return appendULEB(nil, uint64(idx)), err
	case immGlobal:
		idx, err := ref(c, m.globalIDs, len(m.globals), "global")
		return appendULEB(nil, uint64(idx)), err
	case immMemarg:
		if m.memory == nil {
			return nil, errorf(n.pos, "%s needs a (memory ...) field", n.atom)
		}
		return memarg(c, op.align)
	case immMemory:
		if m.memory == nil {
			return nil, errorf(n.pos, "%s needs a (memory ...) field", n.atom)
		}
		if p := c.peek(); p != nil && isRef(p) {
			if _, err := ref(c, m.memIDs, 1, "memory"); err != nil {
				return nil, err
			}
		}
		return []byte{0x00}, nil
	case immI32, immI64, immF32, immF64:
		return literal(c, op.imm)
	}
	return nil, nil
}

// isRef reports whether n is an atom that can only be an index: $name or a number.
func isRef(n *node) bool {
	return n.isAtom() && (n.atom[0] == '$' || ('0' <= n.atom[0] && n.atom[0] <= '9'))
}

// label resolves a label reference to a relative branch depth.
func (b *bodyCompiler) label(c *cursor) (uint32, error) {
	n := c.peek()
	if n == nil || !n.isAtom() {
		return 0, c.expected("label")
	}
	c.next()
	if n.atom[0] == '$' {
		for i := len(b.frames) - 1; i >= 0; i-- {
			if b.frames[i].label == n.atom {
				return uint32(len(b.frames) - 1 - i), nil
			}
		}
		return 0, errorf(n.pos, "unknown label %s", n.atom)
	}
	d, ok := parseNat(n.atom, math.MaxUint32)
	if !ok {
		return 0, errorf(n.pos, "expected label, got %s", n.describe())
	}
	if d >= uint64(len(b.frames)) {
		return 0, errorf(n.pos, "label depth %d out of range (%d enclosing blocks)", d, len(b.frames))
	}
	return uint32(d), nil
}

// memarg reads offset=N? align=N? and encodes them, defaulting the alignment
// to the access's natural alignment (given as log2).
func memarg(c *cursor, natural uint8) ([]byte, error) {
	var offset uint64
	align := uint64(natural)
	if n := c.peek(); n != nil && n.isAtom() && strings.HasPrefix(n.atom, "offset=") {
		v, ok := parseNat(n.atom[len("offset="):], math.MaxUint32)
		if !ok {
			return nil, errorf(n.pos, "expected offset=N with N below 2^32, got %s", n.describe())
		}
		offset = v
		c.next()
	}
	if n := c.peek(); n != nil && n.isAtom() && strings.HasPrefix(n.atom, "align=") {
		v, ok := parseNat(n.atom[len("align="):], math.MaxUint32)
		if !ok || v == 0 || v&(v-1) != 0 {
			return nil, errorf(n.pos, "expected align=N with N a power of two, got %s", n.describe())
		}
		if v > 1<<natural {
			return nil, errorf(n.pos, "alignment %d exceeds the natural alignment %d", v, 1<<natural)
		}
		align = uint64(bits.TrailingZeros64(v))
		c.next()
	}
	return appendULEB(appendULEB(nil, align), offset), nil
}

// literal reads and encodes the operand of a const instruction.
func literal(c *cursor, kind immKind) ([]byte, error) {
	what := map[immKind]string{immI32: "i32", immI64: "i64", immF32: "f32", immF64: "f64"}[kind]
	n := c.peek()
	if n == nil || !n.isAtom() {
		return nil, c.expected(what + " literal")
	}
	var v uint64
	var ok bool
	switch kind {
	case immI32, immI64:
		v, ok = parseInt(n.atom, 32<<(kind-immI32))
	default:
		v, ok = parseFloat(n.atom, 32<<(kind-immF32))
	}
	if !ok {
		return nil, errorf(n.pos, "invalid or out-of-range %s literal %s", what, quote(n.atom))
	}
	c.next()
	switch kind {
	case immI32:
		return appendSLEB(nil, int64(int32(uint32(v)))), nil
	case immI64:
		return appendSLEB(nil, int64(v)), nil
	case immF32:
		return binary.LittleEndian.AppendUint32(nil, uint32(v)), nil
	}
	return binary.LittleEndian.AppendUint64(nil, v), nil
}
