// Package router builds the route table of a functions/ directory and
// matches request paths against it (spec §2.1-2.3).
package router

import (
	"fmt"
	"path"
	"regexp"
	"slices"
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

// Route is one entry of the route table: a module serving a path, or a
// middleware applying to every path under one.
type Route struct {
	// Path is the route in path-to-regexp form: "/api/:id", "/docs/:rest*".
	Path string
	// Method is the one method the route serves, "" for every method.
	Method string
	// Middleware is set for a _middleware module: the route applies to Path
	// and every path below it.
	Middleware bool
	// Module is the module's path relative to functions/, as a key for the
	// caller: "api/[id].wasm".
	Module string
	segs   []segment
}

// middlewareFile is the base name of a middleware module.
const middlewareFile = "_middleware.wasm"

var paramName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// parseFile turns a module's path relative to functions/ ("api/[id].wasm",
// "index.wasm") into a route.
func parseFile(rel string) (*Route, error) {
	p := strings.TrimSuffix(rel, ".wasm")
	dir, base := path.Split(p)
	r := &Route{Module: rel}
	switch base {
	case "index":
		p = strings.TrimSuffix(dir, "/")
	case "_middleware":
		p = strings.TrimSuffix(dir, "/")
		r.Middleware = true
	}
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

// appendSegments appends the segments of a request path to dst, ignoring
// one leading and one trailing slash.
func appendSegments(dst []string, p string) []string {
	p = strings.TrimPrefix(p, "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return dst
	}
	for {
		seg, rest, more := strings.Cut(p, "/")
		dst = append(dst, seg)
		if !more {
			return dst
		}
		p = rest
	}
}

// match reports whether the route matches a request path split by
// appendSegments (still percent-encoded), case-insensitively, and returns
// the parameters. A middleware route matches a prefix of whole segments.
func (r *Route) match(parts []string) (Params, bool) {
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
				// Each segment of a catch-all is non-empty, as path-to-regexp's
				// (?:/([^/]+?))* has it: /docs/a//b is no match.
				for _, p := range parts[i : i+n] {
					if p == "" {
						return nil, false
					}
				}
				params = append(params, Param{Name: seg.text, Values: slices.Clone(parts[i : i+n]), CatchAll: true})
			}
			i += n
		}
	}
	if i != len(parts) && !r.Middleware {
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
