package wat

import (
	"math"
	"strconv"
	"strings"
)

// Number literals follow https://webassembly.github.io/spec/core/text/values.html:
// decimal or 0x-prefixed hexadecimal digits, optionally separated by single
// underscores.

// digits validates s as digits of the given base, with single underscores
// between digits, and returns them without the underscores.
func digits(s string, hex bool) (string, bool) {
	if s == "" {
		return "", false
	}
	var b strings.Builder
	prevDigit := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' {
			if !prevDigit || i == len(s)-1 {
				return "", false
			}
			prevDigit = false
			continue
		}
		if _, ok := hexVal(c); !ok || (!hex && (c < '0' || c > '9')) {
			return "", false
		}
		prevDigit = true
		b.WriteByte(c)
	}
	return b.String(), true
}

// parseNat parses an unsigned integer literal no larger than max.
func parseNat(s string, max uint64) (uint64, bool) {
	base, hex := 10, false
	if rest, ok := strings.CutPrefix(s, "0x"); ok {
		s, base, hex = rest, 16, true
	}
	d, ok := digits(s, hex)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseUint(d, base, 64)
	if err != nil || v > max {
		return 0, false
	}
	return v, true
}

// parseInt parses an integer literal for a value of the given width (32 or
// 64): a signed value from -2^(bits-1), or an unsigned one up to 2^bits-1. It
// returns the two's complement bits, so "0xFFFFFFFF" and "-1" agree.
func parseInt(s string, bits int) (uint64, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	limit := uint64(math.MaxUint64) >> (64 - bits)
	if neg {
		limit = 1 << (bits - 1)
	}
	v, ok := parseNat(s, limit)
	if !ok {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v & (uint64(math.MaxUint64) >> (64 - bits)), true
}

// parseFloat parses a float literal for a value of the given width (32 or 64)
// and returns its IEEE 754 bits. Besides decimal and hexadecimal notation it
// accepts inf, nan and nan:0x<payload>, each optionally signed.
func parseFloat(s string, bits int) (uint64, bool) {
	sign := ""
	if s != "" && (s[0] == '+' || s[0] == '-') {
		sign, s = s[:1], s[1:]
	}
	mantBits := 52
	if bits == 32 {
		mantBits = 23
	}
	expAll := (uint64(1)<<(bits-1-mantBits) - 1) << mantBits // exponent field all ones
	signBit := uint64(0)
	if sign == "-" {
		signBit = 1 << (bits - 1)
	}
	switch {
	case s == "inf":
		return signBit | expAll, true
	case s == "nan":
		return signBit | expAll | 1<<(mantBits-1), true
	case strings.HasPrefix(s, "nan:0x"):
		payload, ok := parseNat(s[4:], 1<<mantBits-1)
		if !ok || payload == 0 {
			return 0, false
		}
		return signBit | expAll | payload, true
	}
	clean, ok := floatSyntax(s)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(sign+clean, bits)
	if err != nil { // out of range
		return 0, false
	}
	if bits == 32 {
		return uint64(math.Float32bits(float32(f))), true
	}
	return math.Float64bits(f), true
}

// floatSyntax validates an unsigned decimal or hexadecimal float literal and
// rewrites it into the syntax strconv.ParseFloat accepts.
func floatSyntax(s string) (string, bool) {
	hex := false
	prefix, expChars := "", "eE"
	if rest, ok := strings.CutPrefix(s, "0x"); ok {
		s, hex, prefix, expChars = rest, true, "0x", "pP"
	}
	mant, exp, hasExp := s, "", false
	if i := strings.IndexAny(s, expChars); i >= 0 {
		mant, exp, hasExp = s[:i], s[i+1:], true
	}
	intPart, frac, hasDot := strings.Cut(mant, ".")
	in, ok := digits(intPart, hex)
	if !ok {
		return "", false
	}
	out := prefix + in
	if hasDot {
		out += "."
		if frac != "" {
			f, ok := digits(frac, hex)
			if !ok {
				return "", false
			}
			out += f
		}
	}
	expSign := ""
	if hasExp {
		if exp != "" && (exp[0] == '+' || exp[0] == '-') {
			expSign, exp = exp[:1], exp[1:]
		}
		e, ok := digits(exp, false)
		if !ok {
			return "", false
		}
		exp = e
	}
	switch {
	case hasExp:
		out += expChars[:1] + expSign + exp
	case hex:
		out += "p0" // strconv requires a binary exponent on hexadecimal floats
	}
	return out, true
}
