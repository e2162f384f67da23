package rules

import (
	"strconv"
	"strings"
)

// Limits of the reference's _redirects parser.
const (
	maxStaticRedirects  = 2000
	maxDynamicRedirects = 100
)

// Redirects is a parsed _redirects file (spec §2.10), split as the reference
// stores it: static rules in a map keyed by their exact `from`, dynamic rules
// in file order. Every rule after the first dynamic one is dynamic. A nil
// *Redirects has no rules.
type Redirects struct {
	static map[string]*redirect
	// hostKeys is set when a static key is an https:// URL, which the
	// parser's relative-only `from` never produces today.
	hostKeys bool
	dynamic  []*redirect
}

type redirect struct {
	line   int
	status int
	to     string
	// pat is the compiled `from` of a dynamic rule; nil for a static rule and
	// for a dynamic rule that the reference cannot compile (it never matches).
	pat *pattern
	// dest is `to` resolved once, used when no capture needs substituting.
	dest   destination
	destOK bool
}

// ParseRedirects parses a _redirects file. Lines it rejects are returned as
// warnings, with the reference's messages, and the other lines still apply.
func ParseRedirects(data []byte) (*Redirects, []Warning) {
	type parsed struct {
		from, to string
		status   int
		line     int
	}
	var (
		rules         []parsed
		warnings      []Warning
		seen          = make(map[string]bool)
		static        int
		dynamic       int
		staticAllowed = true
	)
	lines := strings.Split(string(data), "\n")
	for i, line := range lines {
		line = jsTrim(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if utf16Len(line) > maxLineLength {
			warnings = append(warnings, lineTooLong(i))
			continue
		}
		warn := func(msg string) { warnings = append(warnings, Warning{Line: i + 1, Message: msg}) }

		tokens := jsFields(line)
		// A token that starts with '#' begins a comment, from the third token on.
		for k := 2; k < len(tokens); k++ {
			if tokens[k][0] == '#' {
				tokens = tokens[:k]
				break
			}
		}
		if len(tokens) < 2 || len(tokens) > 3 {
			warn("Expected exactly 2 or 3 whitespace-separated tokens. Got " + strconv.Itoa(len(tokens)) + ".")
			continue
		}
		statusText := "302"
		if len(tokens) == 3 {
			statusText = tokens[2]
		}

		from, msg := validateURL(tokens[0], true, true, false, false)
		if msg != "" {
			warn(msg)
			continue
		}
		// Rules are counted before the rest of the line is checked, so an
		// invalid line still counts towards the limits.
		if staticAllowed && !isDynamic(from) {
			static++
			if static > maxStaticRedirects {
				warnings = append(warnings, Warning{Message: "Maximum number of static rules supported is " +
					strconv.Itoa(maxStaticRedirects) + ". Skipping line."})
				continue
			}
		} else {
			dynamic++
			staticAllowed = false
			if dynamic > maxDynamicRedirects {
				warnings = append(warnings, Warning{Message: "Maximum number of dynamic rules supported is " +
					strconv.Itoa(maxDynamicRedirects) + ". Skipping remaining " + strconv.Itoa(len(lines)-i) +
					" lines of file."})
				break
			}
		}

		to, msg := validateURL(tokens[1], false, false, true, true)
		if msg != "" {
			warn(msg)
			continue
		}
		status, ok := parseStatus(statusText)
		if !ok {
			warn("Valid status codes are 200, 301, 302 (default), 303, 307, or 308. Got " + statusText + ".")
			continue
		}
		if isInfiniteLoop(from, to) {
			warn("Infinite loop detected in this rule and has been ignored. This will cause a redirect to " +
				"strip `.html` or `/index` and end up triggering this rule again. Please fix or remove this " +
				"rule to silence this warning.")
			continue
		}
		if seen[from] {
			warn("Ignoring duplicate rule for path " + from + ".")
			continue
		}
		seen[from] = true
		if status == 200 && urlHasHost(to) {
			warn("Proxy (200) redirects can only point to relative paths. Got " + to)
			continue
		}
		rules = append(rules, parsed{from: from, to: to, status: status, line: i + 1})
	}

	// The split the reference's metadata makes: static-looking rules are
	// static only until the first dynamic rule that survived parsing.
	r := &Redirects{static: make(map[string]*redirect)}
	staticAllowed = true
	for _, p := range rules {
		rd := &redirect{line: p.line, status: p.status, to: p.to}
		rd.dest, rd.destOK = resolveDestination(p.to)
		if staticAllowed && !isDynamic(p.from) {
			r.static[p.from] = rd
			r.hostKeys = r.hostKeys || strings.HasPrefix(p.from, "https://")
			continue
		}
		staticAllowed = false
		if pat, ok := compilePattern(p.from); ok {
			rd.pat = pat
		}
		r.dynamic = append(r.dynamic, rd)
	}
	return r, warnings
}

// isDynamic reports whether from holds a splat or a placeholder.
func isDynamic(from string) bool {
	return strings.IndexByte(from, '*') >= 0 || hasPlaceholder(from)
}

// parseStatus converts the status token as JavaScript's Number() does and
// checks it against the permitted codes.
func parseStatus(s string) (int, bool) {
	v, ok := jsNumber(s)
	if !ok {
		return 0, false
	}
	switch v {
	case 200, 301, 302, 303, 307, 308:
		return int(v), true
	}
	return 0, false
}

// isInfiniteLoop is the reference's guard against rules the asset server's
// HTML handling (assumed on, as by default) would redirect back into: a
// relative `to` matching /\/index(.html)?$/ from a `from` ending in /* or in
// /. The reference's "." is unescaped, so any character may stand between
// "/index" and "html"; `to` is ASCII here, having been percent-encoded.
func isInfiniteLoop(from, to string) bool {
	if urlHasHost(to) || !strings.HasSuffix(from, "/*") && !strings.HasSuffix(from, "/") {
		return false
	}
	n := len(to)
	return strings.HasSuffix(to, "/index") ||
		n >= len("/index.html") && to[n-11:n-5] == "/index" && to[n-4:] == "html"
}

// Len returns the number of static and dynamic rules.
func (r *Redirects) Len() (static, dynamic int) {
	if r == nil {
		return 0, 0
	}
	return len(r.static), len(r.dynamic)
}

// Lookup finds the rule for a request, as the reference's asset server does
// (spec §2.8 step 1): first a static rule by exact key, `https://{host}{path}`
// or `{path}` (the lower line wins if both exist), then the first matching
// dynamic rule in file order. host is the request's host without port, path
// its raw percent-encoded path and query its raw query without '?'.
//
// For status 200 (a rewrite), target is the path to serve instead. For a
// redirect, target is the Location value: for a destination on the request's
// origin, path + (the rule's query, or else the request's) + the rule's
// fragment; for another origin, the absolute URL built the same way (with the
// reference's repeated fragment). Placeholders and :splat are substituted
// into the destination first. ok is false when no rule matches, and when the
// substituted destination is not a valid URL (where the reference fails the
// request).
func (r *Redirects) Lookup(host, path, query string) (status int, target string, ok bool) {
	if r == nil {
		return 0, "", false
	}
	host = lowerASCII(host)
	rd := r.static[path]
	if r.hostKeys {
		if h := r.static["https://"+host+path]; h != nil && (rd == nil || h.line < rd.line) {
			rd = h
		}
	}
	if rd != nil {
		return rd.apply(host, query, nil)
	}
	var capsBuf [4]string
	var abs string
	for _, d := range r.dynamic {
		if d.pat == nil {
			continue
		}
		subject := path
		if d.pat.crossHost {
			if abs == "" {
				abs = "https://" + host + path
			}
			subject = abs
		}
		if caps, ok := d.pat.match(subject, capsBuf[:0]); ok {
			return d.apply(host, query, caps)
		}
	}
	return 0, "", false
}

// apply builds the result of rule rd for a request.
func (rd *redirect) apply(host, query string, caps []string) (int, string, bool) {
	dest, ok := rd.dest, rd.destOK
	if len(caps) > 0 && strings.IndexByte(rd.to, ':') >= 0 {
		dest, ok = resolveDestination(rd.pat.substitute(rd.to, caps))
	}
	if !ok {
		return 0, "", false
	}
	if rd.status == 200 {
		return 200, dest.pathname, true
	}
	return rd.status, dest.location(host, query), true
}

// lowerASCII lowercases ASCII letters, as URL parsing does to a host.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
