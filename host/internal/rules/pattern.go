package rules

import (
	"regexp"
	"strings"
)

// A pattern is the `from` of a dynamic _redirects rule or the path of a
// _headers rule, compiled as the reference's generateRulesMatcher
// (pages-shared/asset-server/rulesEngine.ts) compiles it to a RegExp:
//
//   - every `*` becomes a capture named splat, `.*`;
//   - in an https:// rule's host, a `:name` followed by a character the
//     reference escapes (`.`, `-`, `/`, ...) becomes `[^/.]+`;
//   - every other `:name` (`:[A-Za-z]\w*`) becomes `[^/]+`;
//   - everything else is literal, and the expression is anchored at both ends.
//
// Each placeholder name replaces every occurrence of ":name" in the rule,
// even inside a longer name, exactly as the reference's split/join does.
// A rule that the reference cannot compile, because two captures share a
// name (two `*`, `/:id/:id`, or `/:a/:ab` where ":a" swallowed ":ab"), never
// matches, silently, as in the reference.
//
// Matching is by hand, without backtracking, when every capture's extent
// is forced: the last capture before a literal suffix, a `[^/]+` followed by
// a literal starting with '/', or a `[^/.]+` followed by one starting with
// '/' or '.'. Other shapes fall back to a regexp compiled once; Go's
// leftmost-first submatch semantics pick the same captures as JavaScript's
// backtracking engine.
type pattern struct {
	crossHost bool
	toks      []token
	// needles are ":name" for each capture, in the order of the captures,
	// which is the order in which the reference substitutes them.
	needles []string
	prefix  string // literal text the subject must start with
	suffix  string // literal text the subject must end with
	re      *regexp.Regexp
}

type capKind uint8

const (
	literal   capKind = iota
	splat             // .*
	segment           // [^/]+
	hostLabel         // [^/.]+
)

// token is literal text, or a capture and the way its end is found.
type token struct {
	kind capKind
	text string // literal text or capture name
	end  capEnd
}

type capEnd uint8

const (
	endAtEOF    capEnd = iota // the capture runs to the end of the subject
	endAtSuffix               // the capture stops where the final literal starts
	endAtDelim                // the capture stops at the first '/' (or '.' for hostLabel)
)

// regexpEscaped holds the characters the reference escapes, except '*',
// which it turns into a capture before escaping.
const regexpEscaped = `-/\^$+?.()|[]{}`

// compilePattern compiles rule; ok is false where the reference's RegExp
// constructor throws.
func compilePattern(rule string) (p *pattern, ok bool) {
	// The reference reads the file as UTF-8, so invalid bytes are U+FFFD to it.
	rule = strings.ToValidUTF8(rule, "\uFFFD")
	p = &pattern{crossHost: strings.HasPrefix(rule, "https://")}
	parts := strings.Split(rule, "*")
	toks := make([]token, 0, 2*len(parts))
	for i, part := range parts {
		if i > 0 {
			toks = append(toks, token{kind: splat, text: "splat"})
		}
		toks = append(toks, token{text: part})
	}
	for _, name := range hostPlaceholders(rule) {
		toks = replaceInLiterals(toks, name, hostLabel)
	}
	var names []string
	for _, t := range toks {
		if t.kind == literal {
			names = appendPlaceholders(names, t.text)
		}
	}
	for _, name := range names {
		toks = replaceInLiterals(toks, name, segment)
	}
	p.toks = mergeLiterals(toks)

	seen := make(map[string]bool)
	deterministic := true
	for i := range p.toks {
		t := &p.toks[i]
		if t.kind == literal {
			continue
		}
		if seen[t.text] {
			return nil, false
		}
		seen[t.text] = true
		p.needles = append(p.needles, ":"+t.text)
		switch next := p.nextLiteral(i); {
		case i == len(p.toks)-1:
			t.end = endAtEOF
		case i == len(p.toks)-2 && next != "":
			t.end = endAtSuffix
		case t.kind == segment && strings.HasPrefix(next, "/"),
			t.kind == hostLabel && (strings.HasPrefix(next, "/") || strings.HasPrefix(next, ".")):
			t.end = endAtDelim
		default:
			deterministic = false
		}
	}
	if n := len(p.toks); n > 0 {
		if p.toks[0].kind == literal {
			p.prefix = p.toks[0].text
		}
		if n > 1 && p.toks[n-1].kind == literal {
			p.suffix = p.toks[n-1].text
		}
	}
	if !deterministic {
		re, err := regexp.Compile(p.regexpSource())
		if err != nil {
			return nil, false // not expected: the source is quoted, valid UTF-8
		}
		p.re = re
	}
	return p, true
}

// nextLiteral returns the literal after token i, or "".
func (p *pattern) nextLiteral(i int) string {
	if i+1 < len(p.toks) && p.toks[i+1].kind == literal {
		return p.toks[i+1].text
	}
	return ""
}

// regexpSource returns the pattern as an RE2 expression with one unnamed
// group per capture.
func (p *pattern) regexpSource() string {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for _, t := range p.toks {
		switch t.kind {
		case literal:
			b.WriteString(regexp.QuoteMeta(t.text))
		case splat:
			b.WriteString(`(.*)`)
		case segment:
			b.WriteString(`([^/]+)`)
		case hostLabel:
			b.WriteString(`([^/.]+)`)
		}
	}
	b.WriteString(`$`)
	return b.String()
}

// hostPlaceholders returns the names the reference's HOST_PLACEHOLDER_REGEX
// finds: `:name` between "https://" and the first '/', followed by a
// character that escaping prefixes with a backslash.
func hostPlaceholders(rule string) []string {
	const scheme = "https://"
	if !strings.HasPrefix(rule, scheme) {
		return nil
	}
	end := strings.IndexByte(rule[len(scheme):], '/')
	if end < 0 {
		end = len(rule)
	} else {
		end += len(scheme)
	}
	var names []string
	for i := len(scheme); i < end; i++ {
		if rule[i] != ':' || i+1 >= len(rule) || !isASCIILetter(rule[i+1]) {
			continue
		}
		j := i + 2
		for j < len(rule) && isWordChar(rule[j]) {
			j++
		}
		if j < len(rule) && strings.IndexByte(regexpEscaped, rule[j]) >= 0 {
			names = append(names, rule[i+1:j])
		}
		i = j - 1
	}
	return names
}

// appendPlaceholders appends the names of the `:[A-Za-z]\w*` matches in s.
func appendPlaceholders(names []string, s string) []string {
	for i := 0; i < len(s); i++ {
		if s[i] != ':' || i+1 >= len(s) || !isASCIILetter(s[i+1]) {
			continue
		}
		j := i + 2
		for j < len(s) && isWordChar(s[j]) {
			j++
		}
		names = append(names, s[i+1:j])
		i = j - 1
	}
	return names
}

// hasPlaceholder reports whether s contains a `:[A-Za-z]` placeholder.
func hasPlaceholder(s string) bool {
	for i := strings.IndexByte(s, ':'); i >= 0 && i+1 < len(s); {
		if isASCIILetter(s[i+1]) {
			return true
		}
		j := strings.IndexByte(s[i+1:], ':')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// replaceInLiterals replaces every ":name" in the literal tokens with a
// capture of kind.
func replaceInLiterals(toks []token, name string, kind capKind) []token {
	needle := ":" + name
	out := toks[:0:0]
	for _, t := range toks {
		if t.kind != literal || !strings.Contains(t.text, needle) {
			out = append(out, t)
			continue
		}
		for i, piece := range strings.Split(t.text, needle) {
			if i > 0 {
				out = append(out, token{kind: kind, text: name})
			}
			out = append(out, token{text: piece})
		}
	}
	return out
}

// mergeLiterals joins adjacent literal tokens and drops empty ones.
func mergeLiterals(toks []token) []token {
	out := toks[:0:0]
	for _, t := range toks {
		if t.kind == literal {
			if t.text == "" {
				continue
			}
			if n := len(out); n > 0 && out[n-1].kind == literal {
				out[n-1].text += t.text
				continue
			}
		}
		out = append(out, t)
	}
	return out
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isWordChar(c byte) bool {
	return isASCIILetter(c) || c >= '0' && c <= '9' || c == '_'
}

// match reports whether s matches and appends the captures' values to caps,
// in the order of p.needles.
func (p *pattern) match(s string, caps []string) ([]string, bool) {
	if !strings.HasPrefix(s, p.prefix) || !strings.HasSuffix(s, p.suffix) ||
		len(s) < len(p.prefix)+len(p.suffix) {
		return caps, false
	}
	if p.re != nil {
		idx := p.re.FindStringSubmatchIndex(s)
		if idx == nil {
			return caps, false
		}
		for i := 2; i+1 < len(idx); i += 2 {
			caps = append(caps, s[idx[i]:idx[i+1]])
		}
		return caps, true
	}
	pos := 0
	for i, t := range p.toks {
		if t.kind == literal {
			if !strings.HasPrefix(s[pos:], t.text) {
				return caps, false
			}
			pos += len(t.text)
			continue
		}
		end := len(s)
		switch t.end {
		case endAtSuffix:
			end = len(s) - len(p.toks[i+1].text)
		case endAtDelim:
			stop := "/"
			if t.kind == hostLabel {
				stop = "/."
			}
			if k := strings.IndexAny(s[pos:], stop); k >= 0 {
				end = pos + k
			}
		}
		if end < pos {
			return caps, false
		}
		v := s[pos:end]
		switch t.kind {
		case segment:
			if v == "" || strings.IndexByte(v, '/') >= 0 {
				return caps, false
			}
		case hostLabel:
			if v == "" || strings.ContainsAny(v, "/.") {
				return caps, false
			}
		}
		caps = append(caps, v)
		pos = end
	}
	return caps, pos == len(s)
}

// substitute replaces each ":name" in s with its capture's value, one name
// after the other, as the reference's replacer does.
func (p *pattern) substitute(s string, caps []string) string {
	for i, needle := range p.needles {
		if i < len(caps) {
			s = jsReplaceAll(s, needle, caps[i])
		}
	}
	return s
}

// firstSegment returns the first path segment every subject the pattern
// matches has, if the pattern fixes one: its literal prefix runs past that
// segment's end, or the pattern is all literal. Patterns on URLs fix none.
func (p *pattern) firstSegment() (string, bool) {
	if p.crossHost || !strings.HasPrefix(p.prefix, "/") {
		return "", false
	}
	rest := p.prefix[1:]
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return rest[:i], true
	}
	if len(p.toks) == 1 && p.toks[0].kind == literal && p.re == nil {
		return rest, true // matches exactly this literal
	}
	return "", false
}
