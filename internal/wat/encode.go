package wat

// Section ids of the binary format; see
// https://webassembly.github.io/spec/core/binary/modules.html.
const (
	secCustom   byte = 0
	secType     byte = 1
	secImport   byte = 2
	secFunction byte = 3
	secMemory   byte = 5
	secGlobal   byte = 6
	secExport   byte = 7
	secStart    byte = 8
	secCode     byte = 10
	secData     byte = 11
)

// appendULEB appends v as unsigned LEB128.
func appendULEB(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// appendSLEB appends v as signed LEB128.
func appendSLEB(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7F)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// appendBytes appends a length-prefixed byte vector (also used for names).
func appendBytes(b, s []byte) []byte {
	return append(appendULEB(b, uint64(len(s))), s...)
}

// appendSection appends a section with its id and size, unless it is empty.
func appendSection(b []byte, id byte, count int, content []byte) []byte {
	if count == 0 {
		return b
	}
	body := appendULEB(nil, uint64(count))
	body = append(body, content...)
	return appendBytes(append(b, id), body)
}

// encode returns the module in the binary format.
func (m *module) encode() []byte {
	out := []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}

	var s []byte
	for _, t := range m.types {
		s = append(s, 0x60)
		s = appendValTypes(s, t.params)
		s = appendValTypes(s, t.results)
	}
	out = appendSection(out, secType, len(m.types), s)

	s = nil
	for _, fn := range m.funcs[:m.numImports] {
		s = appendBytes(s, fn.importMod)
		s = appendBytes(s, fn.importName)
		s = appendULEB(append(s, kindFunc), uint64(fn.typeIdx))
	}
	out = appendSection(out, secImport, m.numImports, s)

	defined := m.funcs[m.numImports:]
	s = nil
	for _, fn := range defined {
		s = appendULEB(s, uint64(fn.typeIdx))
	}
	out = appendSection(out, secFunction, len(defined), s)

	if mem := m.memory; mem != nil {
		s = []byte{0x00}
		if mem.hasMax {
			s[0] = 0x01
		}
		s = appendULEB(s, uint64(mem.min))
		if mem.hasMax {
			s = appendULEB(s, uint64(mem.max))
		}
		out = appendSection(out, secMemory, 1, s)
	}

	s = nil
	for _, g := range m.globals {
		mut := byte(0x00)
		if g.mutable {
			mut = 0x01
		}
		s = append(append(s, byte(g.typ), mut), g.init...)
	}
	out = appendSection(out, secGlobal, len(m.globals), s)

	s = nil
	for _, e := range m.exports {
		s = appendBytes(s, e.name)
		s = appendULEB(append(s, e.kind), uint64(e.index))
	}
	out = appendSection(out, secExport, len(m.exports), s)

	if m.start != nil {
		out = appendBytes(append(out, secStart), appendULEB(nil, uint64(*m.start)))
	}

	s = nil
	for _, fn := range defined {
		s = appendBytes(s, append(appendLocals(nil, fn.locals[len(m.types[fn.typeIdx].params):]), fn.code...))
	}
	out = appendSection(out, secCode, len(defined), s)

	s = nil
	for _, d := range m.data {
		s = append(appendULEB(s, 0), d.offset...) // 0: active, memory 0
		s = appendBytes(s, d.init)
	}
	out = appendSection(out, secData, len(m.data), s)

	return m.appendNames(out)
}

func appendValTypes(b []byte, ts []valType) []byte {
	b = appendULEB(b, uint64(len(ts)))
	for _, t := range ts {
		b = append(b, byte(t))
	}
	return b
}

// appendLocals appends local declarations, grouping runs of the same type.
func appendLocals(b []byte, ts []valType) []byte {
	var groups []byte
	n := 0
	for i := 0; i < len(ts); {
		j := i
		for j < len(ts) && ts[j] == ts[i] {
			j++
		}
		groups = append(appendULEB(groups, uint64(j-i)), byte(ts[i]))
		n++
		i = j
	}
	return append(appendULEB(b, uint64(n)), groups...)
}
