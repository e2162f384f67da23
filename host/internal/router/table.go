package router

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
)

// Table is a project's route table, most specific route first. It is
// immutable and safe for concurrent use.
type Table struct {
	routes []*Route
}

// Scan builds the route table of a functions directory: every *.wasm file
// below it. A missing directory is an empty table.
func Scan(dir string) (*Table, error) {
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
		return &Table{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("scanning %s: %w", dir, err)
	}
	return New(files)
}

// New builds a table from module paths relative to functions/. A file and
// its index twin ("foo.wasm", "foo/index.wasm") give one route, served by
// the index file, as in Pages.
func New(files []string) (*Table, error) {
	sort.Strings(files)
	byPath := map[string]*Route{}
	var errs []error
	for _, f := range files {
		r, err := parseFile(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("functions/%s: %w", f, err))
			continue
		}
		key := strings.ToLower(r.Path)
		if prev, ok := byPath[key]; ok && strings.HasSuffix(prev.Module, "index.wasm") {
			continue
		}
		byPath[key] = r
	}
	t := &Table{}
	for _, r := range byPath {
		t.routes = append(t.routes, r)
	}
	sort.SliceStable(t.routes, func(i, j int) bool { return compare(t.routes[i], t.routes[j]) < 0 })
	return t, errors.Join(errs...)
}

// Match returns the most specific route matching a request path and its
// parameters.
func (t *Table) Match(path string) (*Route, Params, bool) {
	for _, r := range t.routes {
		if params, ok := r.match(path); ok {
			return r, params, true
		}
	}
	return nil, nil, false
}

// Routes returns the table's routes, most specific first.
func (t *Table) Routes() []*Route { return t.routes }

// compare orders routes as Pages' compareRoutes does (spec §2.2): more
// segments first; then, at the first position where exactly one has a
// catch-all, the other first; else where exactly one has a parameter, the
// other first; then by path.
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
	if c := strings.Compare(strings.ToLower(a.Path), strings.ToLower(b.Path)); c != 0 {
		return c
	}
	return strings.Compare(a.Path, b.Path)
}
