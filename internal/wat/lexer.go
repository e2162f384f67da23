package wat

import (
	"unicode/utf8"
)

// tokenKind classifies a token of the text format.
type tokenKind uint8

const (
	tokEOF tokenKind = iota
	tokLParen
	tokRParen
	tokAtom   // keyword, identifier, number or any other run of idchars
	tokString // a string literal; its decoded bytes are in token.str
)

// pos is a 1-based line and column (in characters) in the source.
type pos struct{ line, col int }

// token is one lexical token.
type token struct {
	kind tokenKind
	pos  pos
	text string // the atom's text
	str  []byte // the string literal's decoded bytes
}

// lexer splits WAT source into tokens, skipping whitespace and comments.
// See https://webassembly.github.io/spec/core/text/lexical.html.
type lexer struct {
	src  []byte
	off  int
	line int
	col  int
}

func newLexer(src []byte) *lexer { return &lexer{src: src, line: 1, col: 1} }

func (l *lexer) pos() pos { return pos{l.line, l.col} }

// advance moves n bytes forward, keeping line and column current.
func (l *lexer) advance(n int) {
	for ; n > 0 && l.off < len(l.src); n-- {
		c := l.src[l.off]
		l.off++
		switch {
		case c == '\n':
			l.line++
			l.col = 1
		case c&0xC0 != 0x80: // not a UTF-8 continuation byte
			l.col++
		}
	}
}

func (l *lexer) peekByte(i int) byte {
	if l.off+i < len(l.src) {
		return l.src[l.off+i]
	}
	return 0
}

// isIDChar reports whether c may appear in a keyword, identifier or number.
func isIDChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '/', ':', '<', '=', '>', '?', '@', '\\', '^', '_', '`', '|', '~':
		return true
	}
	return false
}

// skipSpace skips whitespace, line comments and (nested) block comments.
func (l *lexer) skipSpace() error {
	for l.off < len(l.src) {
		switch c := l.src[l.off]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			l.advance(1)
		case c == ';' && l.peekByte(1) == ';':
			for l.off < len(l.src) && l.src[l.off] != '\n' {
				l.advance(1)
			}
		case c == '(' && l.peekByte(1) == ';':
			if err := l.skipBlockComment(); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return nil
}

func (l *lexer) skipBlockComment() error {
	start := l.pos()
	depth := 0
	for l.off < len(l.src) {
		switch {
		case l.src[l.off] == '(' && l.peekByte(1) == ';':
			depth++
			l.advance(2)
		case l.src[l.off] == ';' && l.peekByte(1) == ')':
			depth--
			l.advance(2)
			if depth == 0 {
				return nil
			}
		default:
			l.advance(1)
		}
	}
	return errorf(start, "unterminated block comment")
}

// next returns the next token, or a token of kind tokEOF at the end of input.
func (l *lexer) next() (token, error) {
	if err := l.skipSpace(); err != nil {
		return token{}, err
	}
	p := l.pos()
	if l.off >= len(l.src) {
		return token{kind: tokEOF, pos: p}, nil
	}
	switch c := l.src[l.off]; {
	case c == '(':
		l.advance(1)
		return token{kind: tokLParen, pos: p}, nil
	case c == ')':
		l.advance(1)
		return token{kind: tokRParen, pos: p}, nil
	case c == '"':
		s, err := l.lexString(p)
		if err != nil {
			return token{}, err
		}
		if c := l.peekByte(0); isIDChar(c) || c == '"' {
			return token{}, errorf(l.pos(), "expected space or parenthesis after string")
		}
		return token{kind: tokString, pos: p, str: s}, nil
	case isIDChar(c):
		start := l.off
		for l.off < len(l.src) && isIDChar(l.src[l.off]) {
			l.advance(1)
		}
		if l.peekByte(0) == '"' {
			return token{}, errorf(l.pos(), "expected space or parenthesis before string")
		}
		return token{kind: tokAtom, pos: p, text: string(l.src[start:l.off])}, nil
	default:
		r, _ := utf8.DecodeRune(l.src[l.off:])
		return token{}, errorf(p, "unexpected character %q", r)
	}
}

// lexString decodes a string literal starting at the opening quote.
func (l *lexer) lexString(start pos) ([]byte, error) {
	l.advance(1)
	out := []byte{}
	for {
		if l.off >= len(l.src) {
			return nil, errorf(start, "unterminated string")
		}
		p := l.pos()
		c := l.src[l.off]
		switch {
		case c == '"':
			l.advance(1)
			return out, nil
		case c == '\\':
			b, err := l.lexEscape(p, out)
			if err != nil {
				return nil, err
			}
			out = b
		case c == '\n':
			return nil, errorf(p, "newline in string (use \\n)")
		case c < 0x20 || c == 0x7F:
			return nil, errorf(p, "control character %q in string (use a \\hh escape)", c)
		default:
			r, size := utf8.DecodeRune(l.src[l.off:])
			if r == utf8.RuneError && size == 1 {
				return nil, errorf(p, "invalid UTF-8 in string")
			}
			out = append(out, l.src[l.off:l.off+size]...)
			l.advance(size)
		}
	}
}

// lexEscape decodes one escape sequence at the backslash and appends its bytes to out.
func (l *lexer) lexEscape(p pos, out []byte) ([]byte, error) {
	e := l.peekByte(1)
	switch e {
	case 't':
		l.advance(2)
		return append(out, '\t'), nil
	case 'n':
		l.advance(2)
		return append(out, '\n'), nil
	case 'r':
		l.advance(2)
		return append(out, '\r'), nil
	case '"', '\'', '\\':
		l.advance(2)
		return append(out, e), nil
	}
	if hi, ok := hexVal(e); ok {
		lo, ok := hexVal(l.peekByte(2))
		if !ok {
			return nil, errorf(p, "expected two hex digits after \\")
		}
		l.advance(3)
		return append(out, hi<<4|lo), nil
	}
	if e == 'u' && l.peekByte(2) == '{' {
		l.advance(3)
		var r rune
		n := 0
		for {
			d, ok := hexVal(l.peekByte(0))
			if !ok {
				break
			}
			if r = r<<4 | rune(d); r > utf8.MaxRune {
				return nil, errorf(p, "unicode escape out of range")
			}
			n++
			l.advance(1)
		}
		if n == 0 || l.peekByte(0) != '}' {
			return nil, errorf(p, "expected \\u{hex digits}")
		}
		l.advance(1)
		if !utf8.ValidRune(r) {
			return nil, errorf(p, "invalid unicode scalar value in \\u escape")
		}
		return utf8.AppendRune(out, r), nil
	}
	return nil, errorf(p, "invalid escape sequence in string")
}

func hexVal(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
