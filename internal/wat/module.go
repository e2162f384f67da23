package wat

import "unicode/utf8"

// Kinds of import and export, as encoded in the binary format.
const (
	kindFunc   byte = 0x00
	kindMemory byte = 0x02
	kindGlobal byte = 0x03
)

// maxPages is the largest memory of the 32-bit address space, in 64 KiB pages.
const maxPages = 65536

// function is an imported or defined function.
type function struct {
	id                    string
	imported              bool
	importMod, importName []byte
	rest                  *cursor // the type use, and for a definition its locals and body
	typeIdx               uint32
	locals                []valType // parameters, then declared locals
	localIDs              map[string]uint32
	code                  []byte // the compiled body, ending in end
}

type global struct {
	typ     valType
	mutable bool
	rest    *cursor // the initialiser
	init    []byte
}

type memory struct {
	min, max uint32
	hasMax   bool
}

type export struct {
	name  []byte
	kind  byte
	index uint32
}

type dataSegment struct {
	offset []byte
	init   []byte
}

// module collects the fields of a module. Fields are read in two passes:
// declare assigns every index and identifier, then resolve compiles what
// refers to them, so a field may refer to one defined after it.
type module struct {
	name        string
	types       []funcType
	typeIDs     map[string]uint32
	funcs       []*function // imports first, then definitions
	funcIDs     map[string]uint32
	numImports  int
	globals     []*global
	globalIDs   map[string]uint32
	memory      *memory
	memIDs      map[string]uint32
	exports     []export
	exportNames map[string]bool
	start       *uint32
	data        []dataSegment
	deferred    []*node // export, start and data fields, handled in the second pass
	defined     bool    // a function, memory or global has been defined
}

func newModule(name string) *module {
	return &module{
		name:        name,
		typeIDs:     map[string]uint32{},
		funcIDs:     map[string]uint32{},
		globalIDs:   map[string]uint32{},
		memIDs:      map[string]uint32{},
		exportNames: map[string]bool{},
	}
}

// build reads the module's fields.
func (m *module) build(fields *cursor) error {
	for !fields.done() {
		f := fields.next()
		if !f.isList {
			return errorf(f.pos, "expected module field, got %s", f.describe())
		}
		if err := m.declare(f); err != nil {
			return err
		}
	}
	for _, fn := range m.funcs {
		if err := m.resolveSignature(fn); err != nil {
			return err
		}
	}
	for _, g := range m.globals {
		init, err := m.constExpr(g.rest)
		if err != nil {
			return err
		}
		g.init = init
	}
	for _, f := range m.deferred {
		if err := m.resolveField(f); err != nil {
			return err
		}
	}
	for _, fn := range m.funcs[m.numImports:] {
		code, err := m.compileBody(fn)
		if err != nil {
			return err
		}
		fn.code = code
	}
	return nil
}

// declare handles the first pass over one field.
func (m *module) declare(f *node) error {
	c := args(f)
	switch h := f.head(); h {
	case "type":
		return m.declareType(c)
	case "import":
		return m.declareImport(f, c)
	case "func":
		return m.declareFunc(f, c)
	case "memory":
		return m.declareMemory(f, c)
	case "global":
		return m.declareGlobal(c)
	case "export", "start", "data":
		m.deferred = append(m.deferred, f)
		return nil
	case "table", "elem", "tag", "rec":
		return errorf(f.pos, "unsupported module field (%s ...)", h)
	}
	return errorf(f.pos, "expected module field (type, import, func, memory, global, export, start or data), got %s", f.describe())
}

func (m *module) declareType(c *cursor) error {
	id, idPos := c.optID()
	if !c.peekList("func") {
		return c.expected("(func ...)")
	}
	fc := args(c.next())
	sig, _, err := signature(fc)
	if err != nil {
		return err
	}
	if err := fc.close(); err != nil {
		return err
	}
	if err := bindID(m.typeIDs, id, idPos, len(m.types), "type"); err != nil {
		return err
	}
	m.types = append(m.types, sig)
	return c.close()
}

func (m *module) declareImport(f *node, c *cursor) error {
	mod, name, err := importNames(c)
	if err != nil {
		return err
	}
	desc := c.peek()
	if desc == nil || desc.head() == "" {
		return c.expected("import description (func ...)")
	}
	switch desc.head() {
	case "func":
	case "memory", "global", "table", "tag":
		return errorf(desc.pos, "unsupported import kind %s: only functions can be imported", desc.head())
	default:
		return c.expected("import description (func ...)")
	}
	c.next()
	if err := c.close(); err != nil {
		return err
	}
	if m.defined {
		return errorf(f.pos, "imports must come before function, memory and global definitions")
	}
	dc := args(desc)
	id, idPos := dc.optID()
	return m.addFunc(&function{id: id, imported: true, importMod: mod, importName: name, rest: dc}, idPos)
}

// importNames reads the module and field names of an import.
func importNames(c *cursor) (mod, name []byte, err error) {
	if mod, err = c.name("import module name"); err != nil {
		return nil, nil, err
	}
	if name, err = c.name("import name"); err != nil {
		return nil, nil, err
	}
	return mod, name, nil
}

func (m *module) declareFunc(f *node, c *cursor) error {
	id, idPos := c.optID()
	fn := &function{id: id}
	if err := m.inlineExports(c, kindFunc, uint32(len(m.funcs))); err != nil {
		return err
	}
	if c.peekList("import") {
		ic := args(c.next())
		mod, name, err := importNames(ic)
		if err != nil {
			return err
		}
		if err := ic.close(); err != nil {
			return err
		}
		if m.defined {
			return errorf(f.pos, "imports must come before function, memory and global definitions")
		}
		fn.imported, fn.importMod, fn.importName = true, mod, name
	} else {
		m.defined = true
	}
	fn.rest = c
	return m.addFunc(fn, idPos)
}

func (m *module) addFunc(fn *function, idPos pos) error {
	if err := bindID(m.funcIDs, fn.id, idPos, len(m.funcs), "function"); err != nil {
		return err
	}
	m.funcs = append(m.funcs, fn)
	if fn.imported {
		m.numImports++
	}
	return nil
}

func (m *module) declareMemory(f *node, c *cursor) error {
	if m.memory != nil {
		return errorf(f.pos, "multiple memories are not supported")
	}
	id, idPos := c.optID()
	if err := bindID(m.memIDs, id, idPos, 0, "memory"); err != nil {
		return err
	}
	if err := m.inlineExports(c, kindMemory, 0); err != nil {
		return err
	}
	if c.peekList("import") || c.peekList("data") {
		return errorf(c.pos(), "unsupported (%s ...) in memory: import or data must be separate fields", c.peek().head())
	}
	mem := &memory{}
	p := c.pos()
	min, err := nat(c, "memory minimum in pages", maxPages)
	if err != nil {
		return err
	}
	mem.min = uint32(min)
	if !c.done() {
		p = c.pos()
		max, err := nat(c, "memory maximum in pages", maxPages)
		if err != nil {
			return err
		}
		if max < min {
			return errorf(p, "memory maximum %d is less than minimum %d", max, min)
		}
		mem.max, mem.hasMax = uint32(max), true
	}
	m.memory = mem
	m.defined = true
	return c.close()
}

func (m *module) declareGlobal(c *cursor) error {
	id, idPos := c.optID()
	if err := bindID(m.globalIDs, id, idPos, len(m.globals), "global"); err != nil {
		return err
	}
	if err := m.inlineExports(c, kindGlobal, uint32(len(m.globals))); err != nil {
		return err
	}
	if c.peekList("import") {
		return errorf(c.pos(), "unsupported global import: only functions can be imported")
	}
	g := &global{}
	if c.peekList("mut") {
		mc := args(c.next())
		t, err := valueType(mc)
		if err != nil {
			return err
		}
		if err := mc.close(); err != nil {
			return err
		}
		g.typ, g.mutable = t, true
	} else {
		t, err := valueType(c)
		if err != nil {
			return err
		}
		g.typ = t
	}
	g.rest = c
	m.globals = append(m.globals, g)
	m.defined = true
	return nil
}

// inlineExports reads (export "name")* abbreviations of a definition.
func (m *module) inlineExports(c *cursor, kind byte, index uint32) error {
	for c.peekList("export") {
		e := c.next()
		ec := args(e)
		name, err := ec.name("export name")
		if err != nil {
			return err
		}
		if err := ec.close(); err != nil {
			return err
		}
		if err := m.addExport(e.pos, name, kind, index); err != nil {
			return err
		}
	}
	return nil
}

func (m *module) addExport(p pos, name []byte, kind byte, index uint32) error {
	if m.exportNames[string(name)] {
		return errorf(p, "duplicate export name %s", quote(string(name)))
	}
	m.exportNames[string(name)] = true
	m.exports = append(m.exports, export{name: name, kind: kind, index: index})
	return nil
}

// name reads a string that must be valid UTF-8, as import and export names must.
func (c *cursor) name(what string) ([]byte, error) {
	p := c.pos()
	s, err := c.str(what)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(s) {
		return nil, errorf(p, "%s is not valid UTF-8", what)
	}
	return s, nil
}
