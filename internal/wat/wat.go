package wat

import (
	"fmt"
	"strconv"
)

// Error is a problem in the WAT source, at a 1-based line and column.
type Error struct {
	Line, Col int
	Msg       string // what was wrong or expected, e.g. "unsupported instruction f32.add"
}

// Error returns the message prefixed by its position, e.g. "line 12:5: unsupported instruction f32.add".
func (e *Error) Error() string { return fmt.Sprintf("line %d:%d: %s", e.Line, e.Col, e.Msg) }

func errorf(p pos, format string, args ...any) error {
	return &Error{Line: p.line, Col: p.col, Msg: fmt.Sprintf(format, args...)}
}

// quote renders source text for an error message.
func quote(s string) string {
	const max = 40
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strconv.Quote(s)
}

// Compile translates a WebAssembly text-format module into the binary format.
//
// src holds one (module ...) form, or a bare sequence of module fields. On
// failure the error is an *Error naming the line, column and what was expected;
// Compile never returns partial output. Compile checks names, indices, labels,
// literals and nesting, but not operand types: the embedder's validator (for
// example wazero's, at compile time) reports type errors in function bodies.
// Compile is safe for concurrent use.
func Compile(src []byte) ([]byte, error) {
	root, err := parseTree(src)
	if err != nil {
		return nil, err
	}
	fields, name, err := moduleFields(root)
	if err != nil {
		return nil, err
	}
	m := newModule(name)
	if err := m.build(fields); err != nil {
		return nil, err
	}
	return m.encode(), nil
}

// moduleFields finds the module's fields and optional $name in the top-level forms.
func moduleFields(root *node) (*cursor, string, error) {
	top := &cursor{nodes: root.list, end: root.end}
	first := top.peek()
	if first == nil {
		return nil, "", top.expected("(module ...)")
	}
	if first.head() != "module" {
		return top, "", nil // a bare sequence of fields, as wat2wasm accepts
	}
	top.next()
	if err := top.close(); err != nil {
		return nil, "", err
	}
	c := args(first)
	name, _ := c.optID()
	return c, name, nil
}
