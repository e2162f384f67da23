package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"

	"github.com/wasmpages/wasmpages/host"
)

func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("dev", "dev [DIR] [--port N] [--ip ADDR] [--simulate sim.toml]\n\nServes the project in DIR (default: the current directory) on http://ADDR:N,\nrunning its [build] command first and again on every change.\n\nWith --simulate, serves it instead in every region of the simulation file, one\nport per region from N on, with the file's round trips between regions, back\nends and clients injected into every connection; simulated clients request\nthe project's routes, and a report shows where each route runs and what it costs.", stderr)
	port := fs.Int("port", 8788, "port to listen on")
	ip := fs.String("ip", "127.0.0.1", "address to listen on")
	dataDir := fs.String("data-dir", "", "where compiled modules are cached (default: the user cache directory)")
	simulate := fs.String("simulate", "", "a simulation file (regions, round trips, back ends, clients): run the project in every region of it")
	vars := varsFlag{}
	fs.Var(vars, "var", "set an environment variable of the functions, KEY=VALUE (repeatable); overrides [vars] and .dev.vars")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		fmt.Fprintf(stderr, "wasmpages dev: one project directory at most, got %d\n", len(pos))
		fs.Usage()
		return errUsage
	}
	if *port < 0 || *port > 65535 {
		return fmt.Errorf("--port %d is not a port number (0-65535)", *port)
	}
	dir := "."
	if len(pos) == 1 {
		dir = pos[0]
	}
	if *simulate != "" {
		return host.Simulate(ctx, host.SimulateOptions{
			Dir: dir, Sim: *simulate, DataDir: *dataDir, Out: stdout, Vars: vars, IP: *ip, Port: *port,
		})
	}
	return host.Dev(ctx, host.DevOptions{
		Dir:     dir,
		Addr:    net.JoinHostPort(*ip, strconv.Itoa(*port)),
		DataDir: *dataDir,
		Out:     stdout,
		Vars:    vars,
	})
}

// varsFlag collects repeated --var KEY=VALUE flags.
type varsFlag map[string]string

func (v varsFlag) String() string { return "" }

func (v varsFlag) Set(s string) error {
	k, val, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("want KEY=VALUE, got %q", s)
	}
	v[k] = val
	return nil
}
