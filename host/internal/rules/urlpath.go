package rules

import (
	"strings"
	"unicode/utf8"
)

// The reference validates every path and URL in _redirects and _headers with
// validateUrl (workers-shared/utils/configuration/validateURL.ts), which
// normalises a path through the WHATWG URL parser:
// new URL("//" + path, "relative://"). "relative" is not a special scheme, so
// a backslash stays a literal character. The functions here reproduce that.

// Percent-encode sets of the WHATWG URL standard. Every set also holds the
// C0 controls and everything above U+007E.
type encodeSet uint8

const (
	fragmentSet encodeSet = iota
	querySet
	specialQuerySet
	pathSet
	userinfoSet
)

// needsEncoding reports whether the ASCII byte c is in set.
func (set encodeSet) needsEncoding(c byte) bool {
	if c <= 0x20 || c >= 0x7F || c == '"' || c == '<' || c == '>' {
		return true
	}
	switch set {
	case fragmentSet:
		return c == '`'
	case querySet:
		return c == '#'
	case specialQuerySet:
		return c == '#' || c == '\''
	case pathSet:
		return strings.IndexByte("#?^`{}", c) >= 0
	default:
		return strings.IndexByte("#?^`{}/:;=@[\\]|", c) >= 0
	}
}

const upperHex = "0123456789ABCDEF"

// percentEncode returns s with the bytes of set percent-encoded, non-ASCII
// code points as their UTF-8 bytes and each invalid UTF-8 byte as U+FFFD
// (which is what decoding the file as UTF-8 would have produced).
func percentEncode(s string, set encodeSet) string {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf && !set.needsEncoding(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if set.needsEncoding(c) {
				b.WriteByte('%')
				b.WriteByte(upperHex[c>>4])
				b.WriteByte(upperHex[c&15])
			} else {
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		enc := s[i : i+size]
		if r == utf8.RuneError && size == 1 {
			enc = "\uFFFD"
		}
		for j := 0; j < len(enc); j++ {
			b.WriteByte('%')
			b.WriteByte(upperHex[enc[j]>>4])
			b.WriteByte(upperHex[enc[j]&15])
		}
		i += size
	}
	return b.String()
}

// isSingleDot reports whether a path segment is "." or "%2e".
func isSingleDot(seg string) bool {
	return seg == "." || strings.EqualFold(seg, "%2e")
}

// isDoubleDot reports whether a path segment is "..", ".%2e", "%2e." or "%2e%2e".
func isDoubleDot(seg string) bool {
	switch len(seg) {
	case 2:
		return seg == ".."
	case 4:
		return strings.EqualFold(seg, ".%2e") || strings.EqualFold(seg, "%2e.")
	case 6:
		return strings.EqualFold(seg, "%2e%2e")
	}
	return false
}

// normalizePath runs the WHATWG path state over raw, the text that follows
// the path's first slash up to its query or fragment, and returns the
// pathname. special selects a special scheme's rules, where a backslash
// separates segments too.
func normalizePath(raw string, special bool) string {
	seps := "/"
	if special {
		seps = "/\\"
	}
	if !strings.Contains(raw, ".") && !strings.ContainsAny(raw, seps[1:]) {
		if enc := percentEncode(raw, pathSet); !strings.Contains(enc, "%2") {
			return "/" + enc
		}
	}
	segs := make([]string, 0, 8)
	for {
		i := strings.IndexAny(raw, seps)
		last := i < 0
		seg := raw
		if !last {
			seg, raw = raw[:i], raw[i+1:]
		}
		seg = percentEncode(seg, pathSet)
		switch {
		case isDoubleDot(seg):
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
			if last {
				segs = append(segs, "")
			}
		case isSingleDot(seg):
			if last {
				segs = append(segs, "")
			}
		default:
			segs = append(segs, seg)
		}
		if last {
			break
		}
	}
	return "/" + strings.Join(segs, "/")
}

// splitURLTail splits s at its first '?' or '#' into the path, the query
// (without '?') and the fragment (without '#').
func splitURLTail(s string) (path, query, fragment string) {
	i := strings.IndexAny(s, "?#")
	if i < 0 {
		return s, "", ""
	}
	path, s = s[:i], s[i:]
	if s[0] == '?' {
		if j := strings.IndexByte(s, '#'); j >= 0 {
			return path, s[1:j], s[j+1:]
		}
		return path, s[1:], ""
	}
	return path, "", s[1:]
}

// stripURLInput applies the URL parser's input clean-up: leading and trailing
// C0 controls and spaces are removed, and so are tabs and newlines anywhere.
func stripURLInput(s string) string {
	s = strings.TrimRight(strings.TrimLeft(s, c0AndSpace), c0AndSpace)
	if strings.ContainsAny(s, "\t\n\r") {
		s = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(s)
	}
	return s
}

const c0AndSpace = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\v\f\r\x0e\x0f" +
	"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "

// extractPathname is the reference's extractPathname: the pathname of
// new URL("//" + path, "relative://"), with a leading "/" added to path when
// missing, followed by the search and the hash when asked for.
func extractPathname(path string, includeSearch, includeHash bool) string {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	// "//" + path always starts with "///": an empty host, then the path.
	rest := stripURLInput("//" + path)[3:]
	p, query, fragment := splitURLTail(rest)
	out := normalizePath(p, false)
	if includeSearch && query != "" {
		if q := percentEncode(query, querySet); q != "" {
			out += "?" + q
		}
	}
	if includeHash && fragment != "" {
		out += "#" + percentEncode(fragment, fragmentSet)
	}
	return out
}

// matchHTTPS applies the reference's /^https:\/\/+(?<host>[^/]+)\/?(?<path>.*)/.
func matchHTTPS(token string) (host, path string, ok bool) {
	const prefix = "https://"
	if !strings.HasPrefix(token, prefix) {
		return "", "", false
	}
	i := len(prefix)
	for i < len(token) && token[i] == '/' {
		i++
	}
	j := i
	for j < len(token) && token[j] != '/' {
		j++
	}
	if j == i {
		return "", "", false
	}
	host = token[i:j]
	if j < len(token) {
		j++
	}
	path = token[j:]
	// "." stops at a line terminator.
	if k := strings.IndexFunc(path, isLineTerminator); k >= 0 {
		path = path[:k]
	}
	return host, path, true
}

func isLineTerminator(r rune) bool {
	return r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029
}

// urlHasHost is the reference's urlHasHost.
func urlHasHost(token string) bool {
	_, _, ok := matchHTTPS(token)
	return ok
}

// hostHasPort applies the reference's /.*:\d+$/.
func hostHasPort(host string) bool {
	i := len(host)
	for i > 0 && host[i-1] >= '0' && host[i-1] <= '9' {
		i--
	}
	return i < len(host) && i > 0 && host[i-1] == ':'
}

// validateURL is the reference's validateUrl: it returns the normalised URL,
// or an empty string and the reference's message.
func validateURL(token string, onlyRelative, disallowPorts, includeSearch, includeHash bool) (string, string) {
	if host, path, ok := matchHTTPS(token); ok {
		if onlyRelative {
			return "", "Only relative URLs are allowed. Skipping absolute URL " + token + "."
		}
		if disallowPorts && hostHasPort(host) {
			return "", "Specifying ports is not supported. Skipping absolute URL " + token + "."
		}
		return "https://" + host + extractPathname(path, includeSearch, includeHash), ""
	}
	if onlyRelative && !strings.HasPrefix(token, "/") {
		token = "/" + token
	}
	if strings.HasPrefix(token, "/") {
		return extractPathname(token, includeSearch, includeHash), ""
	}
	if onlyRelative {
		return "", "URLs should begin with a forward-slash."
	}
	return "", `URLs should either be relative (e.g. begin with a forward-slash), or use HTTPS (e.g. begin with "https://").`
}
