package wat

// maxNesting bounds how deeply parentheses may nest, so hostile input cannot
// exhaust the stack of the recursive passes that follow.
const maxNesting = 10000

// node is one S-expression: an atom, a string or a parenthesised list.
type node struct {
	pos    pos
	end    pos // a list's closing parenthesis
	isList bool
	isStr  bool
	atom   string  // an atom's text
	str    []byte  // a string's decoded bytes
	list   []*node // a list's elements
}

// head returns the keyword that opens a list, or "" if n is not a list that
// starts with an atom.
func (n *node) head() string {
	if n.isList && len(n.list) > 0 && !n.list[0].isList && !n.list[0].isStr {
		return n.list[0].atom
	}
	return ""
}

// isAtom reports whether n is a bare atom.
func (n *node) isAtom() bool { return !n.isList && !n.isStr }

// describe names n for error messages.
func (n *node) describe() string {
	switch {
	case n.isStr:
		return "a string"
	case n.isList && n.head() != "":
		return "(" + n.head() + " ...)"
	case n.isList:
		return "a list"
	}
	return quote(n.atom)
}

// parseTree reads all top-level S-expressions of src into a root list whose
// end is the end of the input.
func parseTree(src []byte) (*node, error) {
	lx := newLexer(src)
	root := &node{isList: true}
	stack := []*node{root}
	for {
		t, err := lx.next()
		if err != nil {
			return nil, err
		}
		top := stack[len(stack)-1]
		switch t.kind {
		case tokEOF:
			if len(stack) > 1 {
				return nil, errorf(top.pos, "unclosed parenthesis")
			}
			root.end = t.pos
			return root, nil
		case tokLParen:
			if len(stack) > maxNesting {
				return nil, errorf(t.pos, "parentheses nested more than %d deep", maxNesting)
			}
			n := &node{pos: t.pos, isList: true}
			top.list = append(top.list, n)
			stack = append(stack, n)
		case tokRParen:
			if len(stack) == 1 {
				return nil, errorf(t.pos, "unexpected )")
			}
			top.end = t.pos
			stack = stack[:len(stack)-1]
		case tokAtom:
			top.list = append(top.list, &node{pos: t.pos, atom: t.text})
		case tokString:
			top.list = append(top.list, &node{pos: t.pos, isStr: true, str: t.str})
		}
	}
}

// cursor walks the elements of a list.
type cursor struct {
	nodes []*node
	i     int
	end   pos // where to report "expected ..." once the elements run out
}

// args returns a cursor over the elements of list n after its head keyword.
func args(n *node) *cursor {
	c := &cursor{nodes: n.list, end: n.end}
	if len(n.list) > 0 {
		c.i = 1
	}
	return c
}

func (c *cursor) done() bool { return c.i >= len(c.nodes) }

// peek returns the next element without consuming it, or nil at the end.
func (c *cursor) peek() *node {
	if c.done() {
		return nil
	}
	return c.nodes[c.i]
}

// next consumes and returns the next element, or nil at the end.
func (c *cursor) next() *node {
	n := c.peek()
	if n != nil {
		c.i++
	}
	return n
}

// pos is the position of the next element, or of the closing parenthesis.
func (c *cursor) pos() pos {
	if n := c.peek(); n != nil {
		return n.pos
	}
	return c.end
}

// peekList reports whether the next element is a list opened by keyword kw.
func (c *cursor) peekList(kw string) bool {
	n := c.peek()
	return n != nil && n.head() == kw
}

// optID consumes an identifier ($name) if one is next.
func (c *cursor) optID() (string, pos) {
	if n := c.peek(); n != nil && n.isAtom() && len(n.atom) > 1 && n.atom[0] == '$' {
		c.i++
		return n.atom, n.pos
	}
	return "", pos{}
}

// str consumes a string literal, naming what it is for in the error.
func (c *cursor) str(what string) ([]byte, error) {
	n := c.peek()
	if n == nil || !n.isStr {
		return nil, c.expected(what + " string")
	}
	c.i++
	return n.str, nil
}

// close reports an error unless every element has been consumed.
func (c *cursor) close() error {
	if n := c.peek(); n != nil {
		return errorf(n.pos, "expected ), got %s", n.describe())
	}
	return nil
}

// expected builds an "expected X, got Y" error at the cursor.
func (c *cursor) expected(what string) error {
	if n := c.peek(); n != nil {
		return errorf(n.pos, "expected %s, got %s", what, n.describe())
	}
	return errorf(c.end, "expected %s, got )", what)
}
