package wat

// appendNames appends the custom "name" section, which carries the module's
// and functions' $identifiers (without the $) so that runtimes can show them
// in stack traces; see
// https://webassembly.github.io/spec/core/appendix/custom.html#name-section.
func (m *module) appendNames(out []byte) []byte {
	var subsections []byte
	if m.name != "" {
		subsections = appendBytes(append(subsections, 0), appendBytes(nil, []byte(m.name[1:])))
	}
	var funcs []byte
	n := 0
	for i, fn := range m.funcs { // ascending index order, as the format requires
		if fn.id != "" {
			funcs = appendBytes(appendULEB(funcs, uint64(i)), []byte(fn.id[1:]))
			n++
		}
	}
	if n > 0 {
		subsections = appendBytes(append(subsections, 1), append(appendULEB(nil, uint64(n)), funcs...))
	}
	if subsections == nil {
		return out
	}
	content := append(appendBytes(nil, []byte("name")), subsections...)
	return appendBytes(append(out, secCustom), content)
}
