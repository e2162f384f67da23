package main

import (
	"context"
	"fmt"
	"io"

	"github.com/wasmpages/wasmpages/host"
)

func runRoutes(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("routes", "routes [DIR]\n\nBuilds the project in DIR (default: the current directory) and prints its route\ntable, in the order requests try it, and the _routes.json in force: the project's\nown, or the one generated from the route table.", stderr)
	dataDir := fs.String("data-dir", "", "where compiled modules are cached (default: the user cache directory)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		fmt.Fprintf(stderr, "wasmpages routes: one project directory at most, got %d\n", len(pos))
		fs.Usage()
		return errUsage
	}
	dir := "."
	if len(pos) == 1 {
		dir = pos[0]
	}
	return host.Routes(ctx, host.RoutesOptions{Dir: dir, DataDir: *dataDir, Out: stdout})
}
