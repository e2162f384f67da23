package rules

import (
	"path"
	"sort"
	"strings"
	"unicode/utf16"
)

// RouteSpec is one entry of a project's route table, as GenerateRoutes needs it.
type RouteSpec struct {
	// Path is the route in path-to-regexp form: "/api/:id", "/docs/:rest*", "/".
	Path string
	// Middleware is set for an entry that holds a _middleware module.
	Middleware bool
}

// GenerateRoutes builds the _routes.json that wrangler generates when a
// project ships none (spec §2.9, "Auto-generation"), from the route table:
//
//  1. Each path is cut at its first parameter, which becomes "*"
//     ("/bar/:id/foo" → "/bar/*"); a middleware path that does not end in
//     "*" gets "/*" appended ("/" → "/*").
//  2. Duplicates are dropped, and rules over 100 characters are shortened
//     to a parent directory and "/*".
//  3. Rules covered by another rule "X/*" are dropped.
//  4. More than 100 rules left become ["/*"]. The rules are sorted least
//     specific first.
//
// The result has no exclude rules. Its order does not depend on the order
// of specs.
func GenerateRoutes(specs []RouteSpec, description string) *Routes {
	include := make([]string, 0, len(specs))
	seen := make(map[string]bool, len(specs))
	// The reference walks the route table backwards, least specific first.
	for i := len(specs) - 1; i >= 0; i-- {
		g := globRoutePath(specs[i].Path)
		if specs[i].Middleware && !strings.HasSuffix(g, "*") {
			g = path.Join(g, "*")
		}
		if !seen[g] {
			seen[g] = true
			include = append(include, g)
		}
	}
	include = consolidateRoutes(include)
	if len(include) > maxRoutesRules {
		include = []string{"/*"}
	}
	sort.SliceStable(include, func(i, j int) bool {
		return compareGlobRoutes(include[j], include[i]) < 0
	})
	r := &Routes{Version: 1, Description: description, Include: include, Exclude: []string{}}
	r.compile()
	return r
}

// globRoutePath applies the reference's routePath.replace(/:\w+\*?.*/, "*").
func globRoutePath(p string) string {
	for i := 0; i+1 < len(p); i++ {
		if p[i] == ':' && isWordChar(p[i+1]) {
			rest := p[i:]
			// "." stops at a line terminator; what follows it is kept.
			if k := strings.IndexFunc(rest, isLineTerminator); k >= 0 {
				return p[:i] + "*" + rest[k:]
			}
			return p[:i] + "*"
		}
	}
	return p
}

// consolidateRoutes shortens the rules that are too long, drops duplicates,
// and drops every rule that starts with the "X/" of another rule "X/*".
func consolidateRoutes(routes []string) []string {
	var short []string
	seen := make(map[string]bool, len(routes))
	for _, r := range routes {
		if r = shortenRoute(r); !seen[r] {
			seen[r] = true
			short = append(short, r)
		}
	}
	alive := make([]bool, len(short))
	for i := range alive {
		alive[i] = true
	}
	for i, r := range short {
		if !alive[i] || !strings.HasSuffix(r, "/*") {
			continue
		}
		prefix := r[:len(r)-1]
		for j, other := range short {
			if alive[j] && other != r && strings.HasPrefix(other, prefix) {
				alive[j] = false
			}
		}
	}
	out := short[:0]
	for i, r := range short {
		if alive[i] {
			out = append(out, r)
		}
	}
	return out
}

// shortenRoute is the reference's shortenRoute: a rule over 100 characters
// is cut at the last "/" that leaves room for "/*", retrying with shorter
// cuts, and falls back to "/*". Lengths and positions are in UTF-16 code
// units, as in JavaScript.
func shortenRoute(route string) string {
	if utf16Len(route) <= maxRoutesRuleLength {
		return route
	}
	orig := utf16.Encode([]rune(route))
	r := orig
	for i := range orig {
		for j := maxRoutesRuleLength - 1 - i; j > 0; j-- {
			if j < len(r) && r[j] == '/' {
				r = append(r[:j:j], '/', '*')
				break
			}
		}
		if len(r) <= maxRoutesRuleLength {
			break
		}
	}
	if len(r) > maxRoutesRuleLength {
		return "/*"
	}
	return string(utf16.Decode(r))
}

// compareGlobRoutes is the reference's simplified compareRoutes for
// generated rules, most specific first: more segments first, then, at the
// first segment where exactly one of the two holds a "*", the one without,
// then localeCompare.
func compareGlobRoutes(a, b string) int {
	sa, sb := routeSegments(a), routeSegments(b)
	if len(sa) != len(sb) {
		return len(sb) - len(sa)
	}
	for i := range sa {
		wa, wb := strings.Contains(sa[i], "*"), strings.Contains(sb[i], "*")
		if wa && !wb {
			return 1
		}
		if !wa && wb {
			return -1
		}
	}
	return localeCompare(a, b)
}

// routeSegments is routePath.slice(1).split("/").filter(Boolean).
func routeSegments(p string) []string {
	if p != "" {
		p = p[1:]
	}
	var segs []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			segs = append(segs, s)
		}
	}
	return segs
}
