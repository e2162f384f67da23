package router

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wasmpages/wasmpages/abi"
)

// Table is a project's route table, most specific route first. It is
// immutable and safe for concurrent use.
type Table struct {
	routes []*Route
}

// Module is one module found under functions/, as New needs it.
type Module struct {
	// File is its path relative to functions/: "api/[id].wasm".
	File string
	// Methods are the methods it serves, as the bits of abi's
	// wasmpages_methods export; abi.MethodAny for every method.
	Methods int32
}

// Files lists the modules of a functions directory: every *.wasm file
// below it, as slash-separated paths relative to it. A missing directory
// has none.
func Files(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && strings.HasSuffix(p, ".wasm") {
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("scanning %s: %w", dir, err)
	}
	sort.Strings(files)
	return files, nil
}

// New builds a table from a functions directory's modules. Each method a
// module serves is a route of its own, and its "every method" handler one
// more, without a method. A file and its index twin ("foo.wasm",
// "foo/index.wasm") give routes with the same path: where both serve the
// same method, the index file's route is kept, as in Pages; otherwise both
// are. Every bad file name is reported, and the rest still make a table.
func New(modules []Module) (*Table, error) {
	sort.Slice(modules, func(i, j int) bool { return modules[i].File < modules[j].File })
	seen := map[string]*Route{}
	var errs []error
	t := &Table{}
	for _, m := range modules {
		base, err := parseFile(m.File)
		if err != nil {
			errs = append(errs, fmt.Errorf("functions/%s: %w", m.File, err))
			continue
		}
		for _, method := range methodsOf(m.Methods) {
			r := *base
			r.Method = method
			key := fmt.Sprint(strings.ToLower(r.Path), " ", r.Method, " ", r.Middleware)
			if prev, ok := seen[key]; ok {
				if path.Base(prev.Module) == "index.wasm" {
					continue
				}
				*prev = r
				continue
			}
			seen[key] = &r
			t.routes = append(t.routes, &r)
		}
	}
	sort.SliceStable(t.routes, func(i, j int) bool { return compare(t.routes[i], t.routes[j]) < 0 })
	return t, errors.Join(errs...)
}

// methodsOf expands wasmpages_methods bits into route methods, "" for the
// handler of every method.
func methodsOf(bits int32) []string {
	var out []string
	for _, m := range abi.MethodBits {
		if bits&m.Bit != 0 {
			out = append(out, m.Name)
		}
	}
	if bits&abi.MethodAny != 0 {
		out = append(out, "")
	}
	return out
}

// Match is one module of a request's chain, with the parameters its route
// gave.
type Match struct {
	Route  *Route
	Params Params
}

// Match appends to dst the chain that serves a request, as Pages' dispatch
// does (spec §2.3): every middleware route whose path is a prefix of the
// request's, least specific first; then the first handler route, in table
// order, that matches it whole, if any (handler reports it; without one
// the asset server answers after the middleware). A route with a method
// serves only that method: GET does not serve HEAD.
func (t *Table) Match(dst []Match, method, path string) (chain []Match, handler bool) {
	var buf [16]string
	parts := appendSegments(buf[:0], path)
	for i := len(t.routes) - 1; i >= 0; i-- {
		r := t.routes[i]
		if !r.Middleware || (r.Method != "" && r.Method != method) {
			continue
		}
		if params, ok := r.match(parts); ok {
			dst = append(dst, Match{r, params})
		}
	}
	for _, r := range t.routes {
		if r.Middleware || (r.Method != "" && r.Method != method) {
			continue
		}
		if params, ok := r.match(parts); ok {
			return append(dst, Match{r, params}), true
		}
	}
	return dst, false
}

// Routes returns the table's routes, most specific first.
func (t *Table) Routes() []*Route { return t.routes }

// compare orders routes as Pages' compareRoutes does (spec §2.2): more
// segments first; then, at the first position where exactly one has a
// catch-all, the other first; else where exactly one has a parameter, the
// other first; then a route with a method before one without; then by
// path.
func compare(a, b *Route) int {
	if len(a.segs) != len(b.segs) {
		return len(b.segs) - len(a.segs)
	}
	for _, kind := range []segKind{segCatchAll, segParam} {
		for i := range a.segs {
			ak, bk := a.segs[i].kind == kind, b.segs[i].kind == kind
			if ak != bk {
				if ak {
					return 1
				}
				return -1
			}
		}
	}
	if (a.Method != "") != (b.Method != "") {
		if a.Method != "" {
			return -1
		}
		return 1
	}
	if c := strings.Compare(strings.ToLower(a.Path), strings.ToLower(b.Path)); c != 0 {
		return c
	}
	return strings.Compare(a.Path, b.Path)
}
