package rules

import "unicode/utf8"

// localeCompare approximates JavaScript's a.localeCompare(b), which V8
// implements with the ICU root collation: punctuation and symbols sort
// before digits, digits before letters, letters ignore case first and then
// put lower case before upper case, and most control characters are ignored.
// ASCII follows the CLDR root order exactly; other characters sort after
// ASCII by code point, which is an approximation.
func localeCompare(a, b string) int {
	if c := compareLevel(a, b, primaryWeight); c != 0 {
		return c
	}
	return compareLevel(a, b, tertiaryWeight)
}

// collationOrder lists the ASCII characters that are not letters or
// ignorable, in CLDR root order; letters follow, a-z, after the digits.
const collationOrder = "\t\n\v\f\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789"

var asciiPrimary = func() (w [128]int) {
	for i, c := range []byte(collationOrder) {
		w[c] = i + 1
	}
	for c := 'a'; c <= 'z'; c++ {
		w[c] = len(collationOrder) + 1 + int(c-'a')
		w[c-'a'+'A'] = w[c]
	}
	return w
}()

// primaryWeight returns the primary weight of r; 0 means ignorable.
func primaryWeight(r rune) int {
	if r < 128 {
		return asciiPrimary[r]
	}
	return 1000 + int(r)
}

// tertiaryWeight separates upper case from lower case; 0 means ignorable.
func tertiaryWeight(r rune) int {
	if primaryWeight(r) == 0 {
		return 0
	}
	if r >= 'A' && r <= 'Z' {
		return 2
	}
	return 1
}

// compareLevel compares the non-ignorable weights of a and b in order.
func compareLevel(a, b string, weight func(rune) int) int {
	i, j := 0, 0
	for {
		var wa, wb int
		for wa == 0 && i < len(a) {
			r, n := utf8.DecodeRuneInString(a[i:])
			wa, i = weight(r), i+n
		}
		for wb == 0 && j < len(b) {
			r, n := utf8.DecodeRuneInString(b[j:])
			wb, j = weight(r), j+n
		}
		switch {
		case wa == 0 && wb == 0:
			return 0
		case wa < wb:
			return -1
		case wa > wb:
			return 1
		}
	}
}
