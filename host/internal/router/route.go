// Package router builds the route table of a functions/ directory and
// matches request paths against it (spec §2.1-2.3).
package router

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// segKind is what one segment of a route path matches.
type segKind uint8

const (
	segStatic   segKind = iota // a literal, compared case-insensitively
	segParam                   // [name]: exactly one segment
	segCatchAll                // [[name]]: zero or more segments
)

type segment struct {
	kind segKind
	text string // the literal, or the parameter's name
}

// Route is one entry of the route table: a module serving a path.
type Route struct {
	// Path is the route in path-to-regexp form: "/api/:id", "/docs/:rest*".
	Path string
	// Module is the module's path relative to functions/, as a key for the
	// caller: "api/[id].wasm".
	Module string
	segs   []segment
}

var paramName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// parseFile turns a module's path relative to functions/ ("api/[id].wasm",
// "index.wasm") into a route.
func parseFile(rel string) (*Route, error) {
	p := strings.TrimSuffix(rel, ".wasm")
	dir, base := path.Split(p)
	if base == "index" {
		p = strings.TrimSuffix(dir, "/")
	}
	r := &Route{Module: rel}
	var parts []string
	for _, s := range strings.Split(p, "/") {
		if s == "" {
			continue
		}
		var seg segment
		switch {
		case strings.HasPrefix(s, "[[") && strings.HasSuffix(s, "]]"):
			seg = segment{segCatchAll, s[2 : len(s)-2]}
			if !paramName.MatchString(seg.text) {
				return nil, fmt.Errorf("invalid Pages function route parameter - %q. Parameters names must only contain alphanumeric and underscore characters", s)
			}
			parts = append(parts, ":"+seg.text+"*")
		case strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]"):
			seg = segment{segParam, s[1 : len(s)-1]}
			if !paramName.MatchString(seg.text) {
				return nil, fmt.Errorf("invalid Pages function route parameter - %q. Parameter names must only contain alphanumeric and underscore characters", s)
			}
			parts = append(parts, ":"+seg.text)
		default:
			seg = segment{segStatic, s}
			parts = append(parts, s)
		}
		r.segs = append(r.segs, seg)
	}
	r.Path = "/" + strings.Join(parts, "/")
	return r, nil
}

// match reports whether the route matches a request path (still
// percent-encoded), case-insensitively and with an optional trailing slash,
// and returns the parameters.
func (r *Route) match(p string) (Params, bool) {
	p = strings.TrimPrefix(p, "/")
	if strings.HasSuffix(p, "/") {
		p = p[:len(p)-1]
	}
	var parts []string
	if p != "" {
		parts = strings.Split(p, "/")
	}
	var params Params
	i := 0
	for si, seg := range r.segs {
		switch seg.kind {
		case segStatic:
			if i >= len(parts) || !strings.EqualFold(parts[i], seg.text) {
				return nil, false
			}
			i++
		case segParam:
			if i >= len(parts) || parts[i] == "" {
				return nil, false
			}
			params = append(params, Param{Name: seg.text, Values: []string{parts[i]}})
			i++
		case segCatchAll:
			// A catch-all takes what the segments after it leave.
			rest := len(r.segs) - si - 1
			n := len(parts) - i - rest
			if n < 0 {
				return nil, false
			}
			if n > 0 {
				params = append(params, Param{Name: seg.text, Values: parts[i : i+n], CatchAll: true})
			}
			i += n
		}
	}
	if i != len(parts) {
		return nil, false
	}
	return params, true
}

// Param is one route parameter of a match.
type Param struct {
	Name string
	// Values holds one segment for [name], the segments for [[name]].
	Values   []string
	CatchAll bool
}

// Params are a match's parameters in route order.
type Params []Param
