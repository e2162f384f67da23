package rules

import (
	"strconv"
	"strings"
)

// destination is a redirect's `to` resolved against the request URL, as the
// reference's asset server does with new URL(to, request.url). The request
// is taken to be https on the default port, as production Pages serves it.
type destination struct {
	// authority is the serialised "userinfo@host:port" when to names a host;
	// empty for a path on the request's own origin.
	authority string
	host      string // serialised host, without port
	port      string // empty for the default port
	pathname  string
	search    string // "?query", or empty when the query is empty
	hash      string // "#fragment", or empty when the fragment is empty
}

// sameOrigin reports whether d is on https://host.
func (d *destination) sameOrigin(host string) bool {
	return d.authority == "" || (d.port == "" && d.host == host)
}

// location returns the Location header value the reference builds for a
// redirect to d from a request to host with the raw query (without '?'):
// same origin, pathname + (to.search || request.search) + to.hash; cross
// origin, to.href + (to.search ? "" : request.search) + to.hash. The cross
// origin form repeats to.hash, as the reference does, because href already
// holds it.
func (d *destination) location(host, query string) string {
	requestSearch := ""
	if d.search == "" && query != "" {
		requestSearch = "?" + query
	}
	if d.sameOrigin(host) {
		if requestSearch == "" {
			return d.pathname + d.search + d.hash
		}
		return d.pathname + requestSearch + d.hash
	}
	return "https://" + d.authority + d.pathname + d.search + d.hash + requestSearch + d.hash
}

// resolveDestination parses ref, a validated `to` after substitution, which
// starts with "/" or "https://". ok is false where new URL would throw (an
// invalid host or port), and for forms the parser never produces (another
// scheme, a path-relative reference).
func resolveDestination(ref string) (d destination, ok bool) {
	ref = stripURLInput(ref)
	if i := schemeEnd(ref); i > 0 {
		if !strings.EqualFold(ref[:i], "https") {
			return d, false
		}
		ref = ref[i+1:]
	}
	if !isSlash(ref, 0) {
		return d, false // a path-relative reference; never produced by the parser
	}
	rest := ref[1:]
	if isSlash(ref, 1) {
		rest = strings.TrimLeft(ref, "/\\")
		end := strings.IndexAny(rest, "/\\?#")
		if end < 0 {
			end = len(rest)
		}
		if !d.parseAuthority(rest[:end]) {
			return d, false
		}
		rest = rest[end:]
		if isSlash(rest, 0) {
			rest = rest[1:]
		}
	}
	p, query, fragment := splitURLTail(rest)
	d.pathname = normalizePath(p, true)
	if query != "" {
		d.search = "?" + percentEncode(query, specialQuerySet)
	}
	if fragment != "" {
		d.hash = "#" + percentEncode(fragment, fragmentSet)
	}
	return d, true
}

func isSlash(s string, i int) bool {
	return i < len(s) && (s[i] == '/' || s[i] == '\\')
}

// schemeEnd returns the index of the ':' ending a URL scheme at the start of
// s, or -1.
func schemeEnd(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return i
		default:
			return -1
		}
	}
	return -1
}

// parseAuthority parses "userinfo@host:port" for a special scheme.
func (d *destination) parseAuthority(a string) bool {
	userinfo := ""
	if at := strings.LastIndexByte(a, '@'); at >= 0 {
		user, pass, hasPass := strings.Cut(a[:at], ":")
		user = percentEncode(user, userinfoSet)
		pass = percentEncode(pass, userinfoSet)
		if user != "" || pass != "" {
			userinfo = user
			if hasPass && pass != "" {
				userinfo += ":" + pass
			}
			userinfo += "@"
		}
		a = a[at+1:]
	}
	hostPart, port := a, ""
	if i := strings.LastIndexByte(a, ':'); i >= 0 && !strings.Contains(a[i:], "]") {
		hostPart, port = a[:i], a[i+1:]
	}
	host, ok := parseHost(hostPart)
	if !ok {
		return false
	}
	if port != "" {
		for i := 0; i < len(port); i++ {
			if port[i] < '0' || port[i] > '9' {
				return false
			}
		}
		n := 0
		for i := 0; i < len(port); i++ {
			if n = n*10 + int(port[i]-'0'); n > 65535 {
				return false
			}
		}
		port = strconv.Itoa(n)
		if port == "443" {
			port = ""
		}
	}
	d.host, d.port = host, port
	d.authority = userinfo + host
	if port != "" {
		d.authority += ":" + port
	}
	return true
}

// parseHost is the host parser for a special scheme: domains (non-ASCII
// ones through domainToASCII), IPv4 addresses, and bracketed IPv6 literals,
// which are kept as written, lowercased.
func parseHost(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	if s[0] == '[' {
		if s[len(s)-1] != ']' {
			return "", false
		}
		return strings.ToLower(s), true
	}
	s = percentDecode(s)
	if !isASCII(s) {
		var ok bool
		if s, ok = domainToASCII(s); !ok {
			return "", false
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || c <= 0x20 || c == 0x7F || strings.IndexByte("#%/:<>?@[\\]^|", c) >= 0 {
			return "", false
		}
	}
	s = strings.ToLower(s)
	if endsInNumber(s) {
		return parseIPv4(s)
	}
	return s, true
}

// percentDecode decodes the valid %XX escapes of s.
func percentDecode(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && digitValue(s[i+1]) < 16 && digitValue(s[i+2]) < 16 {
			b = append(b, byte(digitValue(s[i+1])<<4|digitValue(s[i+2])))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// endsInNumber is the WHATWG "ends in a number" checker.
func endsInNumber(s string) bool {
	parts := strings.Split(s, ".")
	if parts[len(parts)-1] == "" {
		if len(parts) == 1 {
			return false
		}
		parts = parts[:len(parts)-1]
	}
	last := parts[len(parts)-1]
	if last != "" && strings.Trim(last, "0123456789") == "" {
		return true
	}
	_, ok := parseIPv4Number(last)
	return ok
}

// parseIPv4 is the WHATWG IPv4 parser; it returns the dotted-decimal form.
func parseIPv4(s string) (string, bool) {
	parts := strings.Split(s, ".")
	if parts[len(parts)-1] == "" && len(parts) > 1 {
		parts = parts[:len(parts)-1]
	}
	if len(parts) > 4 {
		return "", false
	}
	nums := make([]uint64, len(parts))
	for i, p := range parts {
		n, ok := parseIPv4Number(p)
		if !ok {
			return "", false
		}
		nums[i] = n
	}
	var addr uint64
	for i, n := range nums {
		if i < len(nums)-1 {
			if n > 255 {
				return "", false
			}
			addr |= n << (8 * (3 - i))
			continue
		}
		if n >= 1<<(8*(5-len(nums))) {
			return "", false
		}
		addr += n
	}
	return strconv.FormatUint(addr>>24, 10) + "." + strconv.FormatUint(addr>>16&255, 10) + "." +
		strconv.FormatUint(addr>>8&255, 10) + "." + strconv.FormatUint(addr&255, 10), true
}

// parseIPv4Number parses one part of an IPv4 address: decimal, 0x hex (which
// may be empty) or 0-prefixed octal.
func parseIPv4Number(s string) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	base := 10
	switch {
	case len(s) >= 2 && (s[:2] == "0x" || s[:2] == "0X"):
		s, base = s[2:], 16
	case len(s) >= 2 && s[0] == '0':
		s, base = s[1:], 8
	}
	if s == "" {
		return 0, true
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		d := digitValue(s[i])
		if d >= base {
			return 0, false
		}
		n = n*uint64(base) + uint64(d)
		if n > 1<<40 {
			n = 1 << 40 // already out of range; stop growing
		}
	}
	return n, true
}
