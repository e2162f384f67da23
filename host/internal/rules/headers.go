package rules

import (
	"strconv"
	"strings"
)

// maxHeaderRules is the reference's limit on _headers rules.
const maxHeaderRules = 100

// Headers is a parsed _headers file (spec §2.11). A nil *Headers has no rules.
type Headers struct {
	rules []*headerRule
	// A request's path can only match the rules filed under its first
	// segment and those in always (see index).
	byFirst map[string][]int
	always  []int
}

type headerRule struct {
	path string
	// pat is nil when the reference cannot compile the path (two captures
	// with one name, such as /:a/:a); such a rule never matches.
	pat   *pattern
	unset []string    // names as written
	set   [][2]string // lowercased name, value; in first-seen order
	// subst is set when a value may hold a placeholder to substitute.
	subst bool
}

// ParseHeaders parses a _headers file. Lines it rejects are returned as
// warnings, with the reference's messages, and the other lines still apply.
func ParseHeaders(data []byte) (*Headers, []Warning) {
	type building struct {
		path  string
		line  int
		unset []string
		set   [][2]string
		index map[string]int
	}
	var (
		rules    []*building
		warnings []Warning
		cur      *building
		// skip is set after a rejected path line: its header lines are
		// dropped without a warning until the next path line.
		skip bool
	)
	flush := func(line int) {
		if cur == nil {
			return
		}
		if len(cur.set) > 0 || len(cur.unset) > 0 {
			rules = append(rules, cur)
		} else {
			warnings = append(warnings, Warning{Line: line, Message: "No headers specified"})
		}
	}
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

		if isPathLine(line) {
			skip = false
			if len(rules) >= maxHeaderRules {
				warnings = append(warnings, Warning{Message: "Maximum number of rules supported is " +
					strconv.Itoa(maxHeaderRules) + ". Skipping remaining " + strconv.Itoa(len(lines)-i) +
					" lines of file."})
				// The rule in progress is still kept below, as in the
				// reference, which can thus return 101 rules.
				break
			}
			if cur != nil {
				flush(cur.line)
			}
			cur = nil
			path, msg := validateURL(line, false, true, false, false)
			if msg == "" {
				msg = checkWildcards(path)
			}
			if msg != "" {
				warn(msg)
				skip = true
				continue
			}
			cur = &building{path: path, line: i + 1, index: make(map[string]int)}
			continue
		}

		name, value, hasColon := strings.Cut(line, ":")
		if !hasColon {
			switch {
			case cur == nil:
				if !skip {
					warn("Expected a path beginning with at least one forward-slash")
				}
			case strings.HasPrefix(line, "! "):
				cur.unset = append(cur.unset, line[len("! "):])
			default:
				warn("Expected a colon-separated header pair (e.g. name: value)")
			}
			continue
		}
		name = strings.ToLower(jsTrim(name))
		value = jsTrim(value)
		switch {
		case strings.Contains(name, " "):
			warn("Header name cannot include spaces")
		case name == "":
			warn("No header name specified")
		case value == "":
			warn("No header value specified")
		case cur == nil:
			if !skip {
				warn("Path should come before header (" + name + ": " + value + ")")
			}
		default:
			if k, ok := cur.index[name]; ok {
				cur.set[k][1] += ", " + value
			} else {
				cur.index[name] = len(cur.set)
				cur.set = append(cur.set, [2]string{name, value})
			}
		}
	}
	if cur != nil {
		flush(cur.line)
	}

	// The reference stores rules in an object keyed by path: a later rule
	// for the same path replaces the earlier one, in the earlier one's place.
	h := &Headers{}
	at := make(map[string]int)
	for _, b := range rules {
		r := &headerRule{path: b.path, unset: b.unset, set: b.set}
		if pat, ok := compilePattern(b.path); ok {
			r.pat = pat
			if len(pat.needles) > 0 {
				for _, kv := range b.set {
					r.subst = r.subst || strings.IndexByte(kv[1], ':') >= 0
				}
			}
		}
		if k, ok := at[b.path]; ok {
			h.rules[k] = r
			continue
		}
		at[b.path] = len(h.rules)
		h.rules = append(h.rules, r)
	}
	h.index()
	return h, warnings
}

// index files each rule under the first path segment every path it
// matches must have, when its pattern fixes one (a literal "/docs/..." or
// exactly "/about"); the others, and rules on https:// URLs, go in always.
// Then a request tests two or three rules of a hundred, not all of them.
func (h *Headers) index() {
	h.byFirst = map[string][]int{}
	for i, r := range h.rules {
		if r.pat == nil {
			continue
		}
		first, ok := r.pat.firstSegment()
		if !ok {
			h.always = append(h.always, i)
			continue
		}
		h.byFirst[first] = append(h.byFirst[first], i)
	}
}

// isPathLine applies the reference's /^([^\s]+:\/\/|^\/)/: a line is a path
// if it starts with "/" or with non-space characters followed by "://".
func isPathLine(line string) bool {
	if line[0] == '/' {
		return true
	}
	return len(line) > 1 && strings.Contains(line[1:indexJSSpace(line)], "://")
}

// checkWildcards returns the reference's message for a path with more than
// one `*`, or with a `*` and an explicit :splat; "" when the path is fine.
func checkWildcards(path string) string {
	switch n := strings.Count(path, "*"); {
	case n > 1:
		return "Only one wildcard is allowed per rule. Use a named placeholder (e.g. :project) instead. Skipping " + path + "."
	case n == 1 && strings.Contains(path, ":splat"):
		return "Cannot combine a wildcard * with a :splat placeholder because wildcards are converted to :splat at runtime. Skipping " + path + "."
	}
	return ""
}

// Len returns the number of rules.
func (h *Headers) Len() int {
	if h == nil {
		return 0
	}
	return len(h.rules)
}

// Each calls fn, in file order, for every rule that matches a request to
// host (without port) and the raw percent-encoded path; rules written as
// https:// URLs are matched against "https://{host}{path}". unset holds the
// names the rule removes ("! Name", case kept); set holds the lowercased
// names and the values the rule sets, in order, with placeholders and :splat
// substituted. The asset server applies each rule's unset before its set
// (spec §2.8 step 7). fn must not modify or retain the slices.
func (h *Headers) Each(host, path string, fn func(unset []string, set [][2]string)) {
	if h == nil {
		return
	}
	var capsBuf [4]string
	var abs string
	// Both candidate lists are in file order: merge them.
	filed, always := h.byFirst[firstSegment(path)], h.always
	for len(filed) > 0 || len(always) > 0 {
		var i int
		if len(always) == 0 || (len(filed) > 0 && filed[0] < always[0]) {
			i, filed = filed[0], filed[1:]
		} else {
			i, always = always[0], always[1:]
		}
		r := h.rules[i]
		subject := path
		if r.pat.crossHost {
			if abs == "" {
				abs = "https://" + lowerASCII(host) + path
			}
			subject = abs
		}
		caps, ok := r.pat.match(subject, capsBuf[:0])
		if !ok {
			continue
		}
		set := r.set
		if r.subst && len(caps) > 0 {
			set = make([][2]string, len(r.set))
			for k, kv := range r.set {
				set[k] = [2]string{kv[0], r.pat.substitute(kv[1], caps)}
			}
		}
		fn(r.unset, set)
	}
}

// firstSegment returns a path's first segment: "docs" for "/docs/a" and
// "/docs", "" for "/".
func firstSegment(path string) string {
	path = strings.TrimPrefix(path, "/")
	if i := strings.IndexByte(path, '/'); i >= 0 {
		return path[:i]
	}
	return path
}
