package host

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/wasmpages/wasmpages/host/internal/config"
	"github.com/wasmpages/wasmpages/host/internal/runtime"
	"github.com/wasmpages/wasmpages/host/internal/site"
)

// DevOptions configure Dev.
type DevOptions struct {
	// Dir is the project directory, holding pages.toml.
	Dir string
	// Listener is where to serve. If nil, Dev listens on Addr.
	Listener net.Listener
	// Addr is the address to listen on; default 127.0.0.1:8788.
	Addr string
	// DataDir holds the compilation cache; default the user's cache
	// directory (~/.cache/wasmpages).
	DataDir string
	// Out receives the human-readable log: the URL, one line per request,
	// builds, reloads and guest output. Default os.Stderr.
	Out io.Writer
	// Vars override the project's [vars] and .dev.vars, as wrangler's --var.
	Vars map[string]string
	// Poll is how often files are checked for changes; default 300ms.
	Poll time.Duration
}

// devRegion is the region `dev` reports in x-placement.
const devRegion = "dev"

// Dev serves a project for local development until ctx is done: it runs the
// build command, serves the output directory and functions, and on a change
// under the watch directory, functions/, the output directory, pages.toml or
// .dev.vars, rebuilds and swaps to the new version without dropping
// requests in flight.
//
// An error at start (no such directory, a bad pages.toml, a failed build)
// is returned; after the start, the same problems are logged and the last
// good version keeps serving.
func Dev(ctx context.Context, opts DevOptions) error {
	if opts.Out == nil {
		opts.Out = os.Stderr
	}
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:8788"
	}
	if opts.Poll == 0 {
		opts.Poll = 300 * time.Millisecond
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return err
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return fmt.Errorf("%s is not a directory: give the path of a project (a directory with a pages.toml)", opts.Dir)
	}
	opts.Dir = dir
	cache, err := openCache(opts.DataDir)
	if err != nil {
		return err
	}
	d := &devServer{opts: opts, cache: cache, logger: newConsoleLogger(opts.Out)}

	s, err := d.buildAndLoad(ctx, true)
	if err != nil {
		return err
	}
	d.cur.swap(s)
	defer d.cur.close()

	ln := opts.Listener
	if ln == nil {
		if ln, err = net.Listen("tcp", opts.Addr); err != nil {
			return fmt.Errorf("listening on %s: %w (is another server using the port? pick another with --port)", opts.Addr, err)
		}
	}
	srv := newServer(func(*fasthttp.RequestCtx) *current { return &d.cur }, int(s.Project().Limits.RequestBody), opts.Out)
	fmt.Fprintf(opts.Out, "serving %s on http://%s\n", s.Project().Name, ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go d.watch(ctx)
	select {
	case <-ctx.Done():
		srv.ShutdownWithContext(context.Background())
		return nil
	case err := <-errc:
		return err
	}
}

type devServer struct {
	opts   DevOptions
	cache  *runtime.Cache
	logger *slog.Logger
	cur    current
}

// buildAndLoad reads pages.toml, runs the build if asked, and loads the site.
func (d *devServer) buildAndLoad(ctx context.Context, build bool) (*site.Site, error) {
	p, err := config.Load(d.opts.Dir)
	if err != nil {
		return nil, err
	}
	if build {
		if err := runBuild(ctx, d.opts.Dir, p.Build.Command, d.opts.Out); err != nil {
			return nil, err
		}
	}
	secrets, err := config.LoadDevVars(filepath.Join(d.opts.Dir, ".dev.vars"))
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(d.opts.Dir, p.OutputDir)); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: pages_build_output_dir %q does not exist: create it, or let [build] command produce it", filepath.Join(d.opts.Dir, config.FileName), p.OutputDir)
	}
	for k, v := range d.opts.Vars {
		secrets[k] = v
	}
	start := time.Now()
	s, err := site.Load(ctx, site.Options{
		Dir: d.opts.Dir, Project: p, Secrets: secrets, Region: devRegion,
		Cache: d.cache, Logger: d.logger, Verbose: true,
	})
	if err != nil {
		return nil, err
	}
	d.report(s, time.Since(start))
	return s, nil
}

// report prints what a site serves, what failed to load and the warnings
// of its rules files.
func (d *devServer) report(s *site.Site, took time.Duration) {
	fmt.Fprintf(d.opts.Out, "loaded %d assets and %d functions in %s\n", s.Assets(), len(s.Routes().Routes()), took.Round(time.Millisecond))
	describeRoutes(d.opts.Out, s, false)
	for _, w := range s.Warnings() {
		fmt.Fprintf(d.opts.Out, "warning: %s\n", w)
	}
	var broken []string
	for m, err := range s.Problems() {
		broken = append(broken, fmt.Sprintf("  %s: %v (its route answers 500 until fixed)", m, err))
	}
	sort.Strings(broken)
	if len(broken) > 0 {
		fmt.Fprintf(d.opts.Out, "%d functions failed to load:\n%s\n", len(broken), strings.Join(broken, "\n"))
	}
}

// watch polls the project for changes until ctx is done.
func (d *devServer) watch(ctx context.Context) {
	p := d.cur.p.Load().Project()
	watchRoots := func(p *config.Project) (src, out []string) {
		dir := d.opts.Dir
		if p.Build.WatchDir != "" {
			src = append(src, filepath.Join(dir, p.Build.WatchDir))
		}
		out = []string{filepath.Join(dir, "functions"), filepath.Join(dir, p.OutputDir),
			filepath.Join(dir, config.FileName), filepath.Join(dir, ".dev.vars")}
		return src, out
	}
	src, out := watchRoots(p)
	srcPrint, outPrint := fingerprint(src...), fingerprint(out...)
	t := time.NewTicker(d.opts.Poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		srcNow, outNow := fingerprint(src...), fingerprint(out...)
		if srcNow == srcPrint && outNow == outPrint {
			continue
		}
		build := srcNow != srcPrint
		fmt.Fprintln(d.opts.Out, "change detected, reloading")
		s, err := d.buildAndLoad(ctx, build)
		if err != nil {
			fmt.Fprintf(d.opts.Out, "reload failed, still serving the previous version:\n  %v\n", err)
		} else {
			d.cur.swap(s)
			src, out = watchRoots(s.Project())
		}
		// What the build wrote is part of this version, not a new change.
		srcPrint, outPrint = fingerprint(src...), fingerprint(out...)
	}
}

// openCache opens the compilation cache under dataDir.
func openCache(dataDir string) (*runtime.Cache, error) {
	if dataDir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			base = os.TempDir()
		}
		dataDir = filepath.Join(base, "wasmpages")
	}
	return runtime.NewCache(filepath.Join(dataDir, "compiled"))
}
