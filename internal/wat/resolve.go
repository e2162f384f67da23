package wat

// resolveSignature reads a function's type use and, for a definition, its locals.
func (m *module) resolveSignature(fn *function) error {
	c := fn.rest
	idx, names, err := m.typeUse(c)
	if err != nil {
		return err
	}
	fn.typeIdx = idx
	if fn.imported {
		return c.close()
	}
	fn.locals = append([]valType(nil), m.types[idx].params...)
	fn.localIDs = map[string]uint32{}
	bind := func(id string, p pos) error {
		return bindID(fn.localIDs, id, p, len(fn.locals), "local")
	}
	for i, id := range names {
		if id != "" {
			fn.localIDs[id] = uint32(i) // signature rejected duplicates
		}
	}
	for c.peekList("local") {
		lc := args(c.next())
		if id, p := lc.optID(); id != "" {
			if err := bind(id, p); err != nil {
				return err
			}
			t, err := valueType(lc)
			if err != nil {
				return err
			}
			fn.locals = append(fn.locals, t)
			if err := lc.close(); err != nil {
				return err
			}
			continue
		}
		for !lc.done() {
			t, err := valueType(lc)
			if err != nil {
				return err
			}
			fn.locals = append(fn.locals, t)
		}
	}
	if c.peekList("param") || c.peekList("result") || c.peekList("type") {
		return errorf(c.pos(), "(%s ...) must come before (local ...) and the body", c.peek().head())
	}
	return nil
}

// resolveField handles the second pass over an export, start or data field.
func (m *module) resolveField(f *node) error {
	c := args(f)
	switch f.head() {
	case "export":
		return m.resolveExport(f, c)
	case "start":
		if m.start != nil {
			return errorf(f.pos, "multiple start functions")
		}
		idx, err := ref(c, m.funcIDs, len(m.funcs), "function")
		if err != nil {
			return err
		}
		m.start = &idx
		return c.close()
	default: // data
		return m.resolveData(c)
	}
}

func (m *module) resolveExport(f *node, c *cursor) error {
	name, err := c.name("export name")
	if err != nil {
		return err
	}
	desc := c.peek()
	if desc == nil || desc.head() == "" {
		return c.expected("export description such as (func $f)")
	}
	dc := args(c.next())
	var kind byte
	var idx uint32
	switch desc.head() {
	case "func":
		kind = kindFunc
		idx, err = ref(dc, m.funcIDs, len(m.funcs), "function")
	case "memory":
		kind = kindMemory
		idx, err = ref(dc, m.memIDs, m.numMemories(), "memory")
	case "global":
		kind = kindGlobal
		idx, err = ref(dc, m.globalIDs, len(m.globals), "global")
	case "table", "tag":
		return errorf(desc.pos, "unsupported export kind %s", desc.head())
	default:
		return errorf(desc.pos, "expected export description (func, memory or global), got %s", desc.describe())
	}
	if err != nil {
		return err
	}
	if err := dc.close(); err != nil {
		return err
	}
	if err := c.close(); err != nil {
		return err
	}
	return m.addExport(f.pos, name, kind, idx)
}

func (m *module) numMemories() int {
	if m.memory == nil {
		return 0
	}
	return 1
}

// resolveData reads an active data segment: $id? (memory x)? offset "bytes"*.
func (m *module) resolveData(c *cursor) error {
	c.optID()
	if c.peekList("memory") {
		mc := args(c.next())
		if _, err := ref(mc, m.memIDs, m.numMemories(), "memory"); err != nil {
			return err
		}
		if err := mc.close(); err != nil {
			return err
		}
	}
	if m.memory == nil {
		return errorf(c.pos(), "data segment needs a (memory ...) field")
	}
	var seg dataSegment
	var err error
	switch n := c.peek(); {
	case c.peekList("offset"):
		seg.offset, err = m.constExpr(args(c.next()))
	case n != nil && n.isList:
		seg.offset, err = m.constExpr(&cursor{nodes: []*node{c.next()}, end: n.end})
	default:
		return errorf(c.pos(), "expected data offset such as (i32.const 0) (passive data segments are not supported)")
	}
	if err != nil {
		return err
	}
	seg.init = []byte{}
	for !c.done() {
		s, err := c.str("data")
		if err != nil {
			return err
		}
		seg.init = append(seg.init, s...)
	}
	m.data = append(m.data, seg)
	return nil
}

// compileBody compiles a defined function's instructions.
func (m *module) compileBody(fn *function) ([]byte, error) {
	b := &bodyCompiler{m: m, fn: fn, frames: []frame{{kind: frameFunc}}}
	if err := b.seq(fn.rest); err != nil {
		return nil, err
	}
	if len(b.frames) > 1 {
		f := b.frames[len(b.frames)-1]
		return nil, errorf(f.pos, "%s has no matching end", f.kind)
	}
	return append(b.out, opEnd), nil
}

// constExpr compiles a constant expression (global initialiser or data offset).
func (m *module) constExpr(c *cursor) ([]byte, error) {
	if c.done() {
		return nil, c.expected("constant expression such as (i32.const 0)")
	}
	b := &bodyCompiler{m: m}
	if err := b.seq(c); err != nil {
		return nil, err
	}
	return append(b.out, opEnd), nil
}
