package config

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// keyLines maps every key of a TOML document, formatted by keyString, to the
// 1-based line where it first appears. Tables implied by a dotted key or a
// table header ("a" in "a.b = 1" or "[a.b]") get the line of that key.
type keyLines map[string]int

// scanKeyLines finds the line of every key in src. It is meant for a
// document the TOML parser has accepted; on anything else it never fails
// or loops, it only finds fewer keys.
func scanKeyLines(src string) keyLines {
	s := &lineScanner{src: src, line: 1, lines: keyLines{}}
	s.document()
	return s.lines
}

// lineScanner walks a TOML document just far enough to find its keys: it
// skips values, but enters inline tables, whose keys it records.
type lineScanner struct {
	src   string
	pos   int
	line  int
	lines keyLines
}

// document walks the whole document: table headers and key/value pairs.
func (s *lineScanner) document() {
	var table []string
	for s.pos < len(s.src) {
		start := s.pos
		s.skipTrivia(true)
		if s.pos >= len(s.src) {
			return
		}
		if s.src[s.pos] == '[' {
			s.pos++
			if s.peek() == '[' {
				s.pos++
			}
			if key, ok := s.key(); ok {
				table = key
				s.record(key)
			}
			s.skipToEOL()
		} else if key, ok := s.key(); ok {
			full := append(append([]string(nil), table...), key...)
			s.record(full)
			s.skipBlank()
			if s.peek() == '=' {
				s.pos++
				s.value(full, 0)
			}
		}
		if s.pos == start {
			s.pos++ // not TOML: step over it
		}
	}
}

// record notes the line of the key and of each table it implies, unless
// they were seen earlier.
func (s *lineScanner) record(path []string) {
	for i := range path {
		k := keyString(path[:i+1])
		if _, ok := s.lines[k]; !ok {
			s.lines[k] = s.line
		}
	}
}

// key reads a dotted key: bare, "basic" or 'literal' parts joined by dots.
func (s *lineScanner) key() ([]string, bool) {
	var parts []string
	for {
		s.skipBlank()
		part, ok := s.keyPart()
		if !ok {
			return nil, false
		}
		parts = append(parts, part)
		s.skipBlank()
		if s.peek() != '.' {
			return parts, true
		}
		s.pos++
	}
}

// keyPart reads one part of a key.
func (s *lineScanner) keyPart() (string, bool) {
	switch s.peek() {
	case '"':
		return s.basicString()
	case '\'':
		end := strings.IndexAny(s.src[s.pos+1:], "'\n")
		if end < 0 || s.src[s.pos+1+end] != '\'' {
			return "", false
		}
		part := s.src[s.pos+1 : s.pos+1+end]
		s.pos += end + 2
		return part, true
	}
	start := s.pos
	for s.pos < len(s.src) && isBareKeyByte(s.src[s.pos]) {
		s.pos++
	}
	return s.src[start:s.pos], s.pos > start
}

// isBareKeyByte reports whether c may appear in a bare key.
func isBareKeyByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// basicString reads a one-line "basic string" and returns it unescaped.
func (s *lineScanner) basicString() (string, bool) {
	var b strings.Builder
	i := s.pos + 1
	for i < len(s.src) {
		c := s.src[i]
		switch {
		case c == '"':
			s.pos = i + 1
			return b.String(), true
		case c == '\n':
			return "", false
		case c == '\\' && i+1 < len(s.src):
			r, n, ok := unescape(s.src[i+1:])
			if !ok {
				return "", false
			}
			b.WriteRune(r)
			i += 1 + n
		default:
			b.WriteByte(c)
			i++
		}
	}
	return "", false
}

// TOML's escape sequences: those of one character, and those followed by
// a number of hex digits.
var (
	simpleEscapes = map[byte]rune{'b': '\b', 't': '\t', 'n': '\n', 'f': '\f', 'r': '\r', 'e': 0x1b, '"': '"', '\\': '\\'}
	hexEscapes    = map[byte]int{'x': 2, 'u': 4, 'U': 8}
)

// unescape decodes the escape sequence at the start of s (after the
// backslash), returning the rune and the number of bytes it takes.
func unescape(s string) (rune, int, bool) {
	if r, ok := simpleEscapes[s[0]]; ok {
		return r, 1, true
	}
	digits := hexEscapes[s[0]]
	if digits == 0 || len(s) < 1+digits {
		return 0, 0, false
	}
	n, err := strconv.ParseUint(s[1:1+digits], 16, 32)
	if err != nil || !utf8.ValidRune(rune(n)) {
		return 0, 0, false
	}
	return rune(n), 1 + digits, true
}

// value skips a value; the keys of an inline table are recorded under path.
// depth bounds the nesting so that hostile input cannot exhaust the stack.
func (s *lineScanner) value(path []string, depth int) {
	s.skipBlank()
	if depth > 100 {
		s.skipToEOL()
		return
	}
	switch {
	case strings.HasPrefix(s.src[s.pos:], `"""`):
		s.multiline(`"""`)
	case strings.HasPrefix(s.src[s.pos:], `'''`):
		s.multiline(`'''`)
	case s.peek() == '"':
		if _, ok := s.basicString(); !ok {
			s.skipToEOL()
		}
	case s.peek() == '\'':
		s.keyPart()
	case s.peek() == '[':
		s.pos++
		for s.pos < len(s.src) {
			start := s.pos
			s.skipTrivia(true)
			switch s.peek() {
			case ']':
				s.pos++
				return
			case ',':
				s.pos++
			default:
				s.value(path, depth+1)
			}
			if s.pos == start {
				return
			}
		}
	case s.peek() == '{':
		s.pos++
		for s.pos < len(s.src) {
			start := s.pos
			s.skipTrivia(true)
			switch s.peek() {
			case '}':
				s.pos++
				return
			case ',':
				s.pos++
			default:
				key, ok := s.key()
				if !ok {
					return
				}
				full := append(append([]string(nil), path...), key...)
				s.record(full)
				s.skipBlank()
				if s.peek() != '=' {
					return
				}
				s.pos++
				s.value(full, depth+1)
			}
			if s.pos == start {
				return
			}
		}
	default: // a number, boolean or date, which may hold a space
		for s.pos < len(s.src) && !strings.ContainsRune(",]}#\n", rune(s.src[s.pos])) {
			s.pos++
		}
	}
}

// multiline skips a multi-line string that starts at s.pos with delim,
// counting its lines.
func (s *lineScanner) multiline(delim string) {
	i := s.pos + 3
	for i < len(s.src) {
		switch {
		case delim == `"""` && s.src[i] == '\\':
			i++ // the escaped byte, which may be a newline
			if i < len(s.src) && s.src[i] == '\n' {
				s.line++
			}
		case s.src[i] == '\n':
			s.line++
		case strings.HasPrefix(s.src[i:], delim):
			i += 3
			for n := 0; n < 2 && i < len(s.src) && s.src[i] == delim[0]; n++ {
				i++ // up to two quotes may end the content
			}
			s.pos = i
			return
		}
		i++
	}
	s.pos = len(s.src)
}

// skipTrivia skips spaces, tabs, comments and, if newlines, line breaks.
func (s *lineScanner) skipTrivia(newlines bool) {
	for s.pos < len(s.src) {
		switch s.src[s.pos] {
		case ' ', '\t', '\r':
			s.pos++
		case '\n':
			if !newlines {
				return
			}
			s.line++
			s.pos++
		case '#':
			s.skipToEOL()
		default:
			return
		}
	}
}

// skipBlank skips spaces and tabs.
func (s *lineScanner) skipBlank() {
	for s.pos < len(s.src) && (s.src[s.pos] == ' ' || s.src[s.pos] == '\t') {
		s.pos++
	}
}

// skipToEOL moves to the next line break, without consuming it.
func (s *lineScanner) skipToEOL() {
	if i := strings.IndexByte(s.src[s.pos:], '\n'); i >= 0 {
		s.pos += i
	} else {
		s.pos = len(s.src)
	}
}

// peek returns the byte at the current position, or 0 at the end.
func (s *lineScanner) peek() byte {
	if s.pos < len(s.src) {
		return s.src[s.pos]
	}
	return 0
}
