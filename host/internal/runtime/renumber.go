package runtime

import (
	"errors"
	"fmt"
	"strings"
)

// The sections of a module that name functions by index, renumbered by
// Instrument after it adds its import (see instrumenter.fn), and the
// parameter counts it needs to add a local to each function.

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
