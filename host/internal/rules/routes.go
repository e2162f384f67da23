package rules

import (
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
)

// Limits of _routes.json.
const (
	maxRoutesRules      = 100
	maxRoutesRuleLength = 100
)

// Routes is a validated _routes.json (spec §2.9): which requests invoke
// Functions. Build it with ParseRoutes or GenerateRoutes, which compile the
// rules once, and do not modify Include or Exclude afterwards; a Routes
// built any other way is compiled on every Match call. A compiled Routes is
// safe for concurrent use.
type Routes struct {
	Version     int      `json:"version"`
	Description string   `json:"description,omitempty"`
	Include     []string `json:"include"`
	Exclude     []string `json:"exclude"`

	include, exclude []routeRule
}

// Error codes of RoutesError, in the order ParseRoutes checks them.
const (
	RoutesInvalidJSONSpec = "INVALID_JSON_SPEC"
	RoutesNoIncludeRules  = "NO_INCLUDE_RULES"
	RoutesTooManyRules    = "TOO_MANY_RULES"
	RoutesRuleTooLong     = "RULE_TOO_LONG"
	RoutesInvalidRules    = "INVALID_RULES"
	RoutesOverlapping     = "OVERLAPPING_RULES"
)

// RoutesError is why a _routes.json was rejected.
type RoutesError struct {
	Code    string // one of the Routes* error codes
	Rule    string // the offending rule, empty when the problem is not one rule's
	Message string // the reason
}

// Error returns `_routes.json: CODE: rule "/x": reason`.
func (e *RoutesError) Error() string {
	s := "_routes.json: " + e.Code + ": "
	if e.Rule != "" {
		s += "rule " + strconv.Quote(e.Rule) + ": "
	}
	return s + e.Message
}

// ParseRoutes decodes and validates a _routes.json. The checks run in the
// reference's order and the first failure is returned as a *RoutesError:
// the shape (an object with "version": 1 and "include" and "exclude" arrays
// of strings), at least one include rule, at most 100 rules in all, each at
// most 100 characters, each starting with "/", and no rule ending in "/*"
// that is a prefix of another rule in the same list.
func ParseRoutes(data []byte) (*Routes, error) {
	r, err := decodeRoutes(data)
	if err != nil {
		return nil, err
	}
	all := append(append([]string(nil), r.Include...), r.Exclude...)
	if len(r.Include) == 0 {
		return nil, &RoutesError{Code: RoutesNoIncludeRules, Message: "at least one include rule is required"}
	}
	if len(all) > maxRoutesRules {
		return nil, &RoutesError{Code: RoutesTooManyRules, Message: strconv.Itoa(len(all)) +
			" include and exclude rules combined, at most " + strconv.Itoa(maxRoutesRules) + " are allowed"}
	}
	for _, rule := range all {
		if n := utf16Len(rule); n > maxRoutesRuleLength {
			return nil, &RoutesError{Code: RoutesRuleTooLong, Rule: rule, Message: strconv.Itoa(n) +
				" characters long, at most " + strconv.Itoa(maxRoutesRuleLength) + " are allowed"}
		}
	}
	for _, rule := range all {
		if !strings.HasPrefix(rule, "/") {
			return nil, &RoutesError{Code: RoutesInvalidRules, Rule: rule, Message: `does not start with "/"`}
		}
	}
	for _, list := range []struct {
		name  string
		rules []string
	}{{"include", r.Include}, {"exclude", r.Exclude}} {
		if rule, by, ok := findOverlap(list.rules); ok {
			return nil, &RoutesError{Code: RoutesOverlapping, Rule: rule, Message: "overlaps " +
				strconv.Quote(by) + " in " + list.name + `; a rule ending in "/*" must not be the prefix of another rule in the same list`}
		}
	}
	r.compile()
	return r, nil
}

// decodeRoutes checks the shape the reference's isRoutesJSONSpec checks.
func decodeRoutes(data []byte) (*Routes, error) {
	invalid := func(msg string) error {
		return &RoutesError{Code: RoutesInvalidJSONSpec, Message: msg}
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, invalid("not a JSON object")
		}
		return nil, invalid("invalid JSON: " + err.Error())
	}
	if obj == nil {
		return nil, invalid("not a JSON object")
	}
	var version float64
	if err := json.Unmarshal(obj["version"], &version); err != nil || version != 1 {
		return nil, invalid(`"version" must be the number 1`)
	}
	r := &Routes{Version: 1}
	var desc any
	if json.Unmarshal(obj["description"], &desc) == nil {
		r.Description, _ = desc.(string)
	}
	for _, f := range []struct {
		key string
		dst *[]string
	}{{"include", &r.Include}, {"exclude", &r.Exclude}} {
		var list []any
		if err := json.Unmarshal(obj[f.key], &list); err != nil || list == nil {
			return nil, invalid(strconv.Quote(f.key) + " must be an array of strings")
		}
		*f.dst = make([]string, len(list))
		for i, v := range list {
			s, ok := v.(string)
			if !ok {
				return nil, invalid(strconv.Quote(f.key) + " must be an array of strings")
			}
			(*f.dst)[i] = s
		}
	}
	return r, nil
}

// findOverlap returns the first rule made redundant by a rule ending in "/*"
// of the same list, and that rule.
func findOverlap(rules []string) (rule, by string, ok bool) {
	for _, splat := range rules {
		if !strings.HasSuffix(splat, "/*") {
			continue
		}
		prefix := splat[:len(splat)-1]
		for _, other := range rules {
			if other != splat && strings.HasPrefix(other, prefix) {
				return other, splat, true
			}
		}
	}
	return "", "", false
}

// Match reports whether a request for path (the raw percent-encoded path)
// invokes Functions: false if an exclude rule matches, else true if an
// include rule matches, else false.
func (r *Routes) Match(path string) bool {
	if r == nil {
		return false
	}
	include, exclude := r.include, r.exclude
	if include == nil && len(r.Include) > 0 {
		include, exclude = compileRouteRules(r.Include), compileRouteRules(r.Exclude)
	}
	for i := range exclude {
		if exclude[i].match(path) {
			return false
		}
	}
	for i := range include {
		if include[i].match(path) {
			return true
		}
	}
	return false
}

func (r *Routes) compile() {
	r.include = compileRouteRules(r.Include)
	r.exclude = compileRouteRules(r.Exclude)
}

func compileRouteRules(rules []string) []routeRule {
	out := make([]routeRule, len(rules))
	for i, rule := range rules {
		out[i] = compileRouteRule(rule)
	}
	return out
}

// routeRule is one _routes.json rule compiled as the reference's
// transformRoutingRuleToRegExp does: "/" and "/*" are used as they are;
// "X/*" becomes "X(/*)?", "X/" becomes "X(/)?", "X*" stays, and anything else
// "X" becomes "X(/)?"; then "." is escaped, every "*" becomes ".*", and the
// expression is anchored. So "*" crosses "/", and a trailing slash is
// optional.
//
// Only "." and "*" are rewritten: the reference leaves other regular
// expression syntax in a rule active. Rules free of such syntax (nearly all)
// are matched by hand as one or two globs; the rest go through a regexp of
// the same source, and never match if RE2 cannot compile it.
type routeRule struct {
	globs [][]string // alternatives, each split at "*"
	re    *regexp.Regexp
	dead  bool
}

// regexpSyntax holds the characters that keep their regexp meaning in a rule.
const regexpSyntax = `\^$+?()[]{}|`

func compileRouteRule(rule string) routeRule {
	if strings.ContainsAny(rule, regexpSyntax) {
		return regexpRouteRule(rule)
	}
	var alts []string
	switch {
	case rule == "/" || rule == "/*":
		alts = []string{rule}
	case strings.HasSuffix(rule, "/*"):
		alts = []string{rule[:len(rule)-2], rule}
	case strings.HasSuffix(rule, "/"):
		alts = []string{rule[:len(rule)-1], rule}
	case strings.HasSuffix(rule, "*"):
		alts = []string{rule}
	default:
		alts = []string{rule, rule + "/"}
	}
	var rr routeRule
	for _, a := range alts {
		rr.globs = append(rr.globs, strings.Split(a, "*"))
	}
	return rr
}

// regexpRouteRule compiles rule through the reference's regular expression.
func regexpRouteRule(rule string) routeRule {
	re, err := regexp.Compile(routeRegexpSource(rule))
	return routeRule{re: re, dead: err != nil}
}

// routeRegexpSource is the reference's regular expression for rule.
func routeRegexpSource(rule string) string {
	var t string
	switch {
	case rule == "/" || rule == "/*":
		t = rule
	case strings.HasSuffix(rule, "/*"):
		t = rule[:len(rule)-2] + "(/*)?"
	case strings.HasSuffix(rule, "/"):
		t = rule[:len(rule)-1] + "(/)?"
	case strings.HasSuffix(rule, "*"):
		t = rule
	default:
		t = rule + "(/)?"
	}
	t = strings.ReplaceAll(t, ".", `\.`)
	t = strings.ReplaceAll(t, "*", ".*")
	return "^" + t + "$"
}

func (rr *routeRule) match(path string) bool {
	if rr.re != nil {
		return rr.re.MatchString(path)
	}
	if rr.dead {
		return false
	}
	for _, g := range rr.globs {
		if matchGlob(g, path) {
			return true
		}
	}
	return false
}

// matchGlob reports whether s consists of parts[0], anything, parts[1],
// anything, ..., parts[n-1]. Taking each middle part at its leftmost
// occurrence is enough to decide: a later occurrence only leaves less room.
func matchGlob(parts []string, s string) bool {
	if len(parts) == 1 {
		return s == parts[0]
	}
	first, last := parts[0], parts[len(parts)-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return true
}
