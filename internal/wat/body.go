package wat

// frameKind is the kind of an enclosing block.
type frameKind uint8

const (
	frameFunc frameKind = iota
	frameBlock
	frameLoop
	frameIf
)

func (k frameKind) String() string {
	return [...]string{"func", "block", "loop", "if"}[k]
}

// frame is an open block: the target of a br by label or depth.
type frame struct {
	kind    frameKind
	label   string
	pos     pos
	folded  bool // opened by (block ...), so closed by its parenthesis, not by end
	sawElse bool
}

// bodyCompiler encodes a sequence of instructions, flat or folded.
type bodyCompiler struct {
	m      *module
	fn     *function // nil in a constant expression
	frames []frame   // the function's own frame first
	out    []byte
}

// seq compiles instructions until c is exhausted.
func (b *bodyCompiler) seq(c *cursor) error {
	for !c.done() {
		n := c.next()
		var err error
		switch {
		case n.isList:
			err = b.folded(n)
		case n.isStr:
			err = errorf(n.pos, "expected instruction, got a string")
		default:
			err = b.flat(n, c)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// check rejects an instruction not allowed where it appears.
func (b *bodyCompiler) check(n *node, name string) error {
	if b.fn == nil && !constInstruction(name) {
		if _, known := instructions[name]; !known && !isBlockKeyword(name) {
			return unsupported(n, name)
		}
		return errorf(n.pos, "%s is not allowed in a constant expression", name)
	}
	return nil
}

func isBlockKeyword(name string) bool {
	switch name {
	case "block", "loop", "if", "else", "end":
		return true
	}
	return false
}

func unsupported(n *node, name string) error {
	if name != "" && 'a' <= name[0] && name[0] <= 'z' {
		return errorf(n.pos, "unsupported instruction %s", name)
	}
	return errorf(n.pos, "expected instruction, got %s", n.describe())
}

// flat compiles one instruction in flat form; its immediates follow it in c.
func (b *bodyCompiler) flat(n *node, c *cursor) error {
	name := n.atom
	if err := b.check(n, name); err != nil {
		return err
	}
	switch name {
	case "block", "loop", "if":
		label, bt, err := blockHeader(c)
		if err != nil {
			return err
		}
		kind := map[string]frameKind{"block": frameBlock, "loop": frameLoop, "if": frameIf}[name]
		b.out = append(b.out, blockOpcode(kind), bt)
		b.frames = append(b.frames, frame{kind: kind, label: label, pos: n.pos})
		return nil
	case "else":
		f := &b.frames[len(b.frames)-1]
		if f.kind != frameIf || f.folded || f.sawElse {
			return errorf(n.pos, "else without matching if")
		}
		if err := endLabel(c, f); err != nil {
			return err
		}
		f.sawElse = true
		b.out = append(b.out, opElse)
		return nil
	case "end":
		f := &b.frames[len(b.frames)-1]
		if f.kind == frameFunc || f.folded {
			return errorf(n.pos, "end without matching block, loop or if")
		}
		if err := endLabel(c, f); err != nil {
			return err
		}
		b.frames = b.frames[:len(b.frames)-1]
		b.out = append(b.out, opEnd)
		return nil
	}
	return b.plain(n, name, c)
}

// plain compiles an instruction that is not a block, reading immediates from c.
func (b *bodyCompiler) plain(n *node, name string, c *cursor) error {
	op, ok := instructions[name]
	if !ok {
		return unsupported(n, name)
	}
	imm, err := b.immediates(n, op, c)
	if err != nil {
		return err
	}
	b.out = append(append(b.out, op.code), imm...)
	return nil
}

// folded compiles a parenthesised instruction: (op imm* operand*), (block ...),
// (loop ...) or (if ... (then ...) (else ...)?).
func (b *bodyCompiler) folded(n *node) error {
	name := n.head()
	if name == "" {
		return errorf(n.pos, "expected instruction, got %s", n.describe())
	}
	if err := b.check(n.list[0], name); err != nil {
		return err
	}
	c := args(n)
	switch name {
	case "block", "loop":
		kind := frameBlock
		if name == "loop" {
			kind = frameLoop
		}
		label, bt, err := blockHeader(c)
		if err != nil {
			return err
		}
		b.out = append(b.out, blockOpcode(kind), bt)
		return b.nested(frame{kind: kind, label: label, pos: n.pos, folded: true}, c, nil)
	case "if":
		label, bt, err := blockHeader(c)
		if err != nil {
			return err
		}
		for !c.done() && !c.peekList("then") {
			cond := c.next()
			if !cond.isList || cond.head() == "else" {
				return errorf(cond.pos, "expected folded condition or (then ...), got %s", cond.describe())
			}
			if err := b.folded(cond); err != nil {
				return err
			}
		}
		if !c.peekList("then") {
			return c.expected("(then ...)")
		}
		b.out = append(b.out, opIf, bt)
		then := args(c.next())
		var els *cursor
		if c.peekList("else") {
			els = args(c.next())
		}
		if err := c.close(); err != nil {
			return err
		}
		return b.nested(frame{kind: frameIf, label: label, pos: n.pos, folded: true}, then, els)
	case "then", "else", "end", "result", "param", "local", "type", "export", "import":
		return errorf(n.pos, "unexpected (%s ...)", name)
	}
	op, ok := instructions[name]
	if !ok {
		return unsupported(n.list[0], name)
	}
	imm, err := b.immediates(n.list[0], op, c)
	if err != nil {
		return err
	}
	for !c.done() {
		operand := c.next()
		if !operand.isList {
			return errorf(operand.pos, "expected folded operand or ), got %s", operand.describe())
		}
		if err := b.folded(operand); err != nil {
			return err
		}
	}
	b.out = append(append(b.out, op.code), imm...)
	return nil
}

// nested compiles the body of a folded block (and, for if, its else arm)
// inside frame f, then closes it with end.
func (b *bodyCompiler) nested(f frame, body, els *cursor) error {
	b.frames = append(b.frames, f)
	depth := len(b.frames)
	if err := b.arm(body, depth); err != nil {
		return err
	}
	if els != nil {
		b.out = append(b.out, opElse)
		if err := b.arm(els, depth); err != nil {
			return err
		}
	}
	b.frames = b.frames[:depth-1]
	b.out = append(b.out, opEnd)
	return nil
}

// arm compiles one body of a folded block, which must close every flat block
// it opens.
func (b *bodyCompiler) arm(c *cursor, depth int) error {
	if err := b.seq(c); err != nil {
		return err
	}
	if len(b.frames) > depth {
		f := b.frames[len(b.frames)-1]
		return errorf(f.pos, "%s has no matching end", f.kind)
	}
	return nil
}

func blockOpcode(k frameKind) byte {
	return [...]byte{frameBlock: opBlock, frameLoop: opLoop, frameIf: opIf}[k]
}

// blockHeader reads a block's optional $label and block type: no result
// (0x40) or one (result T).
func blockHeader(c *cursor) (string, byte, error) {
	label, _ := c.optID()
	var results []valType
	p := c.pos()
	for c.peekList("result") {
		rc := args(c.next())
		for !rc.done() {
			t, err := valueType(rc)
			if err != nil {
				return "", 0, err
			}
			results = append(results, t)
		}
	}
	switch {
	case c.peekList("param") || c.peekList("type"):
		return "", 0, errorf(c.pos(), "unsupported block type (%s ...): use at most one (result T)", c.peek().head())
	case len(results) > 1:
		return "", 0, errorf(p, "unsupported block type with %d results: use at most one (result T)", len(results))
	case len(results) == 1:
		return label, byte(results[0]), nil
	}
	return label, 0x40, nil
}

// endLabel checks the optional $label after else or end against the block's.
func endLabel(c *cursor, f *frame) error {
	id, p := c.optID()
	if id != "" && id != f.label {
		return errorf(p, "label %s does not match the %s's label %s", id, f.kind, quote(f.label))
	}
	return nil
}
