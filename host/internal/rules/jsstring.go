package rules

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The reference parsers are JavaScript. The helpers here reproduce the few
// JavaScript string semantics they depend on: what String.prototype.trim and
// /\s/ call whitespace, lengths counted in UTF-16 code units, Number() on a
// status token, and the `$` patterns of String.prototype.replaceAll.

// isJSSpace reports whether r is whitespace or a line terminator for
// JavaScript's trim and /\s/ (ECMA-262 WhiteSpace and LineTerminator).
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// jsTrim is String.prototype.trim.
func jsTrim(s string) string {
	return strings.TrimFunc(s, isJSSpace)
}

// jsFields is s.split(/\s+/) for a string that jsTrim left unchanged and is
// not empty.
func jsFields(s string) []string {
	return strings.FieldsFunc(s, isJSSpace)
}

// indexJSSpace returns the byte index of the first JavaScript whitespace in
// s, or len(s).
func indexJSSpace(s string) int {
	if i := strings.IndexFunc(s, isJSSpace); i >= 0 {
		return i
	}
	return len(s)
}

// utf16Len is JavaScript's String.prototype.length of s.
func utf16Len(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		i += size
	}
	return n
}

// jsNumber is Number(s) for a token without whitespace: decimal literals with
// an optional sign, fraction and exponent, "Infinity", and unsigned 0x, 0o
// and 0b integers. ok is false where JavaScript yields NaN.
func jsNumber(s string) (v float64, ok bool) {
	if s == "" {
		return 0, true
	}
	if len(s) > 2 && s[0] == '0' {
		base := 0
		switch s[1] {
		case 'x', 'X':
			base = 16
		case 'o', 'O':
			base = 8
		case 'b', 'B':
			base = 2
		}
		if base != 0 {
			v := 0.0
			for _, c := range []byte(s[2:]) {
				d := digitValue(c)
				if d >= base {
					return 0, false
				}
				v = v*float64(base) + float64(d)
			}
			return v, true
		}
	}
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 {
		return 0, false
	}
	if body == "Infinity" {
		if s[0] == '-' {
			return math.Inf(-1), true
		}
		return math.Inf(1), true
	}
	if !isDecimalLiteral(body) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return v, true
}

// digitValue returns the value of an ASCII digit or letter as a digit, or 99.
func digitValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}

// isDecimalLiteral reports whether s is digits with an optional fraction
// (at least one digit overall) and an optional exponent.
func isDecimalLiteral(s string) bool {
	i, digits := 0, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(s)
}

// jsReplaceAll is str.replaceAll(search, repl) with a non-empty string
// search: besides the plain replacement, repl's "$$", "$&", "$`" and "$'"
// patterns are expanded as JavaScript does (GetSubstitution without captures).
func jsReplaceAll(str, search, repl string) string {
	if !strings.Contains(str, search) {
		return str
	}
	if !strings.Contains(repl, "$") {
		return strings.ReplaceAll(str, search, repl)
	}
	var b strings.Builder
	last := 0
	for pos := strings.Index(str, search); pos >= 0; {
		b.WriteString(str[last:pos])
		writeSubstitution(&b, str, search, pos, repl)
		last = pos + len(search)
		next := strings.Index(str[last:], search)
		if next < 0 {
			break
		}
		pos = last + next
	}
	b.WriteString(str[last:])
	return b.String()
}

// writeSubstitution expands repl for a match of matched at pos in str.
func writeSubstitution(b *strings.Builder, str, matched string, pos int, repl string) {
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		if c != '$' || i+1 == len(repl) {
			b.WriteByte(c)
			continue
		}
		switch repl[i+1] {
		case '$':
			b.WriteByte('$')
		case '&':
			b.WriteString(matched)
		case '`':
			b.WriteString(str[:pos])
		case '\'':
			b.WriteString(str[pos+len(matched):])
		default:
			b.WriteByte('$')
			continue
		}
		i++
	}
}
