// Command wasmpages serves Pages-style sites, static assets and functions
// compiled to WebAssembly.
//
//	wasmpages dev [DIR] [--port N] [--ip ADDR]   serve a project locally
//	wasmpages routes [DIR]                       print the route table
//	wasmpages serve --config node.toml           run a production node
//	wasmpages deploy [DIR] --to URL              deploy a project to a cluster
//	wasmpages deployments PROJECT                list a project's deployments
//	wasmpages rollback PROJECT [ID]              activate an earlier deployment
//	wasmpages status                             show the cluster
//	wasmpages placement PROJECT                  explain a project's placement
//	wasmpages version                            print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "devel"

const usage = `wasmpages serves Pages-style sites: static assets plus functions compiled to WebAssembly.

Usage:
  wasmpages <command> [arguments]

Commands:
  dev          serve a project locally, rebuilding on change
  routes       print a project's route table and _routes.json
  serve        run a production node (node.toml)
  deploy       build, check and deploy a project to a cluster
  deployments  list a project's deployments
  rollback     make an earlier deployment active again
  status       show the cluster's regions, nodes and projects
  placement    explain where a project's functions run, per region, and why
  version      print the version

Run 'wasmpages <command> --help' for a command's options.
`

type command struct {
	run func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = map[string]command{
	"dev":         {runDev},
	"routes":      {runRoutes},
	"serve":       {runServe},
	"deploy":      {runDeploy},
	"deployments": {runDeployments},
	"rollback":    {runRollback},
	"status":      {runStatus},
	"placement":   {runPlacement},
	"version":     {runVersion},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes a command line and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "wasmpages: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := cmd.run(ctx, args[1:], stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(stderr, "wasmpages %s: %v\n", args[0], err)
	return 1
}

// errUsage reports a bad command line whose message was already printed.
var errUsage = errors.New("usage")

// newFlags returns a flag set that prints its usage to stderr and whose
// parse errors are returned, not fatal.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: wasmpages %s\n\nOptions:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, allowing them before and after positional arguments
// (`dev examples/hello --port 9000`), and returns the positionals.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "version", stderr)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wasmpages %s\n", version)
	return nil
}
