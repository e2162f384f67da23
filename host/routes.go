package host

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"

	"github.com/wasmpages/wasmpages/host/internal/site"
)

// RoutesOptions configure Routes.
type RoutesOptions struct {
	// Dir is the project directory.
	Dir string
	// DataDir holds the compilation cache; "" is the user cache directory.
	DataDir string
	// Out gets the build's output and the report.
	Out io.Writer
}

// Routes builds a project and prints its route table, in the order
// requests try it, and the _routes.json in force: the project's own, or
// the one generated from the route table as wrangler does.
func Routes(ctx context.Context, opts RoutesOptions) error {
	p, err := buildProject(ctx, opts.Dir, opts.Out)
	if err != nil {
		return err
	}
	cache, err := openCache(opts.DataDir)
	if err != nil {
		return err
	}
	s, err := site.Load(ctx, site.Options{Dir: opts.Dir, Project: p, Cache: cache})
	if err != nil {
		return err
	}
	defer s.Close(ctx)
	describeRoutes(opts.Out, s, true)
	for m, err := range s.Problems() {
		fmt.Fprintf(opts.Out, "error: %s: %v\n", m, err)
	}
	return nil
}

// describeRoutes prints a site's routes, most specific first, and with
// withJSON the _routes.json in force.
func describeRoutes(w io.Writer, s *site.Site, withJSON bool) {
	if s.Advanced() {
		fmt.Fprintf(w, "  advanced mode: every request goes to %s/_worker.wasm\n", s.Project().OutputDir)
	}
	for _, r := range s.Routes().Routes() {
		method := r.Method
		if method == "" {
			method = "*"
		}
		kind := ""
		if r.Middleware {
			kind = " (middleware: this path and below)"
		}
		fmt.Fprintf(w, "  %-7s %-28s functions/%s%s\n", method, r.Path, r.Module, kind)
	}
	inc, generated := s.Include()
	if !withJSON || inc == nil {
		return
	}
	file := filepath.ToSlash(filepath.Join(s.Project().OutputDir, "_routes.json"))
	source := "from " + file
	if generated {
		source = "generated from the route table; write it to " + file + " to change it"
	}
	b, _ := json.MarshalIndent(inc, "", "  ")
	fmt.Fprintf(w, "\n_routes.json (%s):\n%s\n", source, b)
}
