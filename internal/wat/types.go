package wat

import "slices"

// valType is a value type, as encoded in the binary format.
type valType byte

const (
	i32 valType = 0x7F
	i64 valType = 0x7E
	f32 valType = 0x7D
	f64 valType = 0x7C
)

// funcType is a function signature.
type funcType struct {
	params, results []valType
}

func (a funcType) equal(b funcType) bool {
	return slices.Equal(a.params, b.params) && slices.Equal(a.results, b.results)
}

// valueType reads one of i32, i64, f32 or f64.
func valueType(c *cursor) (valType, error) {
	n := c.peek()
	if n != nil && n.isAtom() {
		switch n.atom {
		case "i32":
			c.next()
			return i32, nil
		case "i64":
			c.next()
			return i64, nil
		case "f32":
			c.next()
			return f32, nil
		case "f64":
			c.next()
			return f64, nil
		case "v128", "funcref", "externref", "anyref":
			return 0, errorf(n.pos, "unsupported value type %s", n.atom)
		}
	}
	return 0, c.expected("value type (i32, i64, f32 or f64)")
}

// signature reads (param ...)* (result ...)* and returns the signature with
// one name per parameter ("" where a parameter has none).
func signature(c *cursor) (funcType, []string, error) {
	var sig funcType
	var names []string
	seen := map[string]bool{}
	for c.peekList("param") {
		pc := args(c.next())
		if id, p := pc.optID(); id != "" {
			if seen[id] {
				return sig, nil, errorf(p, "duplicate parameter %s", id)
			}
			seen[id] = true
			t, err := valueType(pc)
			if err != nil {
				return sig, nil, err
			}
			sig.params = append(sig.params, t)
			names = append(names, id)
			if err := pc.close(); err != nil {
				return sig, nil, err
			}
			continue
		}
		for !pc.done() {
			t, err := valueType(pc)
			if err != nil {
				return sig, nil, err
			}
			sig.params = append(sig.params, t)
			names = append(names, "")
		}
	}
	for c.peekList("result") {
		rc := args(c.next())
		for !rc.done() {
			t, err := valueType(rc)
			if err != nil {
				return sig, nil, err
			}
			sig.results = append(sig.results, t)
		}
	}
	if c.peekList("param") {
		return sig, nil, errorf(c.pos(), "(param ...) must come before (result ...)")
	}
	return sig, names, nil
}

// typeUse reads (type x)? (param ...)* (result ...)* and returns the index of
// the signature, adding it to the type section if no (type x) names it.
func (m *module) typeUse(c *cursor) (uint32, []string, error) {
	explicit := c.peekList("type")
	var idx uint32
	var refPos pos
	if explicit {
		tc := args(c.next())
		refPos = tc.pos()
		var err error
		if idx, err = ref(tc, m.typeIDs, len(m.types), "type"); err != nil {
			return 0, nil, err
		}
		if err := tc.close(); err != nil {
			return 0, nil, err
		}
	}
	sig, names, err := signature(c)
	if err != nil {
		return 0, nil, err
	}
	if !explicit {
		return m.internType(sig), names, nil
	}
	declared := m.types[idx]
	if len(sig.params)+len(sig.results) > 0 && !sig.equal(declared) {
		return 0, nil, errorf(refPos, "inline (param ...) and (result ...) do not match type %d", idx)
	}
	if len(names) == 0 {
		names = make([]string, len(declared.params))
	}
	return idx, names, nil
}

// internType returns the index of sig in the type section, appending it if absent.
func (m *module) internType(sig funcType) uint32 {
	for i, t := range m.types {
		if t.equal(sig) {
			return uint32(i)
		}
	}
	m.types = append(m.types, sig)
	return uint32(len(m.types) - 1)
}
