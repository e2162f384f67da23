package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// domainToASCII converts a host with non-ASCII characters to its ASCII
// (punycode) form, as URL parsing does for https://bücher.example/. It
// covers the common case: each character is lowercased and the full stops
// 。．｡ separate labels like ".", but there is no Unicode normalisation and
// no check of the UTS #46 tables. ok is false for invalid UTF-8.
func domainToASCII(host string) (string, bool) {
	if !utf8.ValidString(host) {
		return "", false
	}
	s := strings.Map(func(r rune) rune {
		switch r {
		case 0x3002, 0xFF0E, 0xFF61:
			return '.'
		}
		return unicode.ToLower(r)
	}, host)
	parts := strings.Split(s, ".")
	for i, p := range parts {
		if !isASCII(p) {
			parts[i] = "xn--" + punycode(p)
		}
	}
	return strings.Join(parts, "."), true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// punycode encodes s as RFC 3492 specifies.
func punycode(s string) string {
	const (
		base        = 36
		tmin        = 1
		tmax        = 26
		skew        = 38
		damp        = 700
		initialBias = 72
		initialN    = 128
	)
	adapt := func(delta, numPoints int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / numPoints
		k := 0
		for delta > ((base-tmin)*tmax)/2 {
			delta /= base - tmin
			k += base
		}
		return k + (base-tmin+1)*delta/(delta+skew)
	}
	digit := func(d int) byte {
		if d < 26 {
			return byte('a' + d)
		}
		return byte('0' + d - 26)
	}
	runes := []rune(s)
	var out []byte
	for _, r := range runes {
		if r < 0x80 {
			out = append(out, byte(r))
		}
	}
	b := len(out)
	h := b
	if b > 0 {
		out = append(out, '-')
	}
	n, delta, bias := initialN, 0, initialBias
	for h < len(runes) {
		m := int(^uint(0) >> 1)
		for _, r := range runes {
			if int(r) >= n && int(r) < m {
				m = int(r)
			}
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range runes {
			if int(r) < n {
				delta++
			}
			if int(r) != n {
				continue
			}
			q := delta
			for k := base; ; k += base {
				t := k - bias
				if t < tmin {
					t = tmin
				} else if t > tmax {
					t = tmax
				}
				if q < t {
					break
				}
				out = append(out, digit(t+(q-t)%(base-t)))
				q = (q - t) / (base - t)
			}
			out = append(out, digit(q))
			bias = adapt(delta, h+1, h == b)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return string(out)
}
