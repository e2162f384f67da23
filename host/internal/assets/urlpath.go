package assets

import (
	"bytes"
	"unicode/utf8"
)

// maxPathLen is the longest pathname, in bytes once normalised, that the
// server looks up; a longer one is answered 400 (see the package doc).
const maxPathLen = 4096

// appendPathname appends to dst the pathname that the WHATWG URL parser
// gives for raw, the path of a request target in an http(s) URL, as
// `new URL(request.url).pathname` does in the reference (spec §2.8 step 1):
// '\' separates segments like '/'; "." and ".." segments, also written
// "%2e" in any case, are resolved; bytes of the path percent-encode set are
// percent-encoded; existing escapes are kept as they are. The result always
// starts with '/'.
func appendPathname(dst, raw []byte) []byte {
	return AppendPathname(dst, raw)
}

// AppendPathname is appendPathname, for the code in front of the asset
// server: _routes.json, the route table and the functions must see the
// path the asset server will, or a path such as /x/../admin/f reaches a
// file under /admin without the middleware of /admin.
func AppendPathname(dst, raw []byte) []byte {
	start := len(dst)
	if len(raw) > 0 && (raw[0] == '/' || raw[0] == '\\') {
		raw = raw[1:]
	}
	seg := len(dst) // where the current segment's '/' is
	dst = append(dst, '/')
	for i := 0; ; i++ {
		if i < len(raw) && raw[i] != '/' && raw[i] != '\\' {
			dst = appendPathByte(dst, raw[i])
			continue
		}
		end := i == len(raw)
		switch name := dst[seg+1:]; {
		case isDoubleDot(name):
			dst = dst[:seg]
			if j := bytes.LastIndexByte(dst[start:], '/'); j >= 0 {
				dst = dst[:start+j]
			}
			if end {
				dst = append(dst, '/')
			}
		case isSingleDot(name):
			dst = dst[:seg]
			if end {
				dst = append(dst, '/')
			}
		}
		if end {
			break
		}
		seg = len(dst)
		dst = append(dst, '/')
	}
	if len(dst) == start {
		dst = append(dst, '/')
	}
	return dst
}

// appendPathByte appends c, percent-encoded if it is in the WHATWG path
// percent-encode set.
func appendPathByte(dst []byte, c byte) []byte {
	switch {
	case c <= ' ', c >= 0x7f, c == '"', c == '#', c == '<', c == '>', c == '?', c == '`', c == '{', c == '}':
		return appendEscape(dst, c)
	}
	return append(dst, c)
}

// appendQuery appends raw, a query string without its '?', with the bytes of
// the WHATWG special-query percent-encode set percent-encoded.
func appendQuery(dst, raw []byte) []byte {
	for _, c := range raw {
		switch {
		case c <= ' ', c >= 0x7f, c == '"', c == '#', c == '<', c == '>', c == '\'':
			dst = appendEscape(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

const upperHex = "0123456789ABCDEF"

func appendEscape(dst []byte, c byte) []byte {
	return append(dst, '%', upperHex[c>>4], upperHex[c&15])
}

func isSingleDot(s []byte) bool {
	return len(s) == 1 && s[0] == '.' || len(s) == 3 && isEncodedDot(s)
}

func isDoubleDot(s []byte) bool {
	switch len(s) {
	case 2:
		return s[0] == '.' && s[1] == '.'
	case 4:
		return s[0] == '.' && isEncodedDot(s[1:]) || s[3] == '.' && isEncodedDot(s[:3])
	case 6:
		return isEncodedDot(s[:3]) && isEncodedDot(s[3:])
	}
	return false
}

func isEncodedDot(s []byte) bool {
	return s[0] == '%' && s[1] == '2' && (s[2] == 'e' || s[2] == 'E')
}

// appendDecoded appends decodeURIComponent(s) to dst. ok is false, and dst is
// returned unchanged, when JavaScript's decodeURIComponent would throw: a '%'
// not followed by two hex digits, or escapes that do not form valid UTF-8
// (overlong forms, surrogates and code points above U+10FFFF included).
func appendDecoded(dst, s []byte) (out []byte, ok bool) {
	start := len(dst)
	escaped := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			dst = append(dst, c)
			continue
		}
		if i+2 >= len(s) {
			return dst[:start], false
		}
		hi, ok1 := unhex(s[i+1])
		lo, ok2 := unhex(s[i+2])
		if !ok1 || !ok2 {
			return dst[:start], false
		}
		dst = append(dst, hi<<4|lo)
		escaped = true
		i += 2
	}
	if escaped && !utf8.Valid(dst[start:]) {
		return dst[:start], false
	}
	return dst, true
}

func unhex(c byte) (byte, bool) {
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

// hostname returns host without its port; an IPv6 literal keeps its
// brackets, as URL.hostname does.
func hostname(host []byte) []byte {
	if len(host) > 0 && host[0] == '[' {
		if i := bytes.IndexByte(host, ']'); i >= 0 {
			return host[:i+1]
		}
		return host
	}
	if i := bytes.LastIndexByte(host, ':'); i >= 0 {
		return host[:i]
	}
	return host
}

// hasControlByte reports whether b holds an ASCII control byte.
func hasControlByte(b []byte) bool {
	for _, c := range b {
		if c < ' ' || c == 0x7f {
			return true
		}
	}
	return false
}

// stripLeadingSlashes rewrites a Location value built from the request path
// the way the reference's stripLeadingDoubleSlashes does (spec §2.8 step 4):
// the leading run of '/', '\', "%2F", "%2f", "%5C", "%5c", "%09" and
// JavaScript whitespace becomes a single '/', so that no such Location is a
// protocol-relative URL. A value that does not start with one of them is
// returned as is.
func stripLeadingSlashes(loc []byte) []byte {
	i := 0
	for i < len(loc) {
		n := leadingSlashLen(loc[i:])
		if n == 0 {
			break
		}
		i += n
	}
	if i == 0 {
		return loc
	}
	i--
	loc[i] = '/'
	return loc[i:]
}

// leadingSlashLen returns the length of the token of stripLeadingSlashes'
// set that b starts with, or 0.
func leadingSlashLen(b []byte) int {
	switch b[0] {
	case '/', '\\', '\t', '\n', '\v', '\f', '\r', ' ':
		return 1
	case '%':
		if len(b) >= 3 {
			switch string(b[1:3]) {
			case "2F", "2f", "5C", "5c", "09":
				return 3
			}
		}
		return 0
	}
	if b[0] < utf8.RuneSelf {
		return 0
	}
	r, n := utf8.DecodeRune(b)
	if isJSSpace(r) {
		return n
	}
	return 0
}

// isJSSpace reports whether r is matched by \s in a JavaScript regular
// expression (beyond ASCII).
func isJSSpace(r rune) bool {
	switch r {
	case 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return 0x2000 <= r && r <= 0x200a
}

// appendHeaderSafe appends loc with control bytes and bytes above 0x7E
// percent-encoded, so that a Location built from a decoded path is a valid
// header value and still names the same resource.
func appendHeaderSafe(dst, loc []byte) []byte {
	for _, c := range loc {
		if c < ' ' || c >= 0x7f {
			dst = appendEscape(dst, c)
		} else {
			dst = append(dst, c)
		}
	}
	return dst
}
