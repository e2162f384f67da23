// Package site is one loaded deployment of a project: its configuration,
// asset server, route table and compiled modules, and the request path that
// ties them together.
package site

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"

	"github.com/wasmpages/wasmpages/host/internal/assets"
	"github.com/wasmpages/wasmpages/host/internal/config"
	"github.com/wasmpages/wasmpages/host/internal/router"
	"github.com/wasmpages/wasmpages/host/internal/rules"
	"github.com/wasmpages/wasmpages/host/internal/runtime"
)

// Options configure Load.
type Options struct {
	// Dir is the project directory, holding pages.toml.
	Dir string
	// Project is the parsed pages.toml of Dir.
	Project *config.Project
	// Secrets are added to the functions' environment after [vars].
	Secrets map[string]string
	// Region names where this node runs, for x-placement.
	Region string
	// Cache is the compilation cache; nil compiles every time.
	Cache *runtime.Cache
	// Logger receives guest output and errors.
	Logger *slog.Logger
	// Deployment is the deployment's id, which forwarded requests are
	// pinned to; empty in dev.
	Deployment string
	// Remote, if not nil, lets the modules of a chain run on other nodes.
	Remote *Remote
	// Transport sends the functions' network subrequests; default
	// Outbound.
	Transport http.RoundTripper
	// Verbose puts the reason of a function's failure in its 5xx response
	// body, as `dev` does; otherwise the body is generic.
	Verbose bool
}

// Site is one loaded deployment. It is immutable once loaded and safe for
// concurrent use; Close waits for requests in flight.
type Site struct {
	opts    Options
	project *config.Project
	assets  *assets.Server
	routes  *router.Table
	engine  *runtime.Engine
	modules map[string]*runtime.Module
	// broken holds the modules that failed to load, with why: their routes
	// answer 500 while the rest of the site serves.
	broken  map[string]error
	fetcher *fetcher
	// transport sends network subrequests.
	transport http.RoundTripper
	limits    runtime.Limits
	// header and remoteHeader are the x-placement of the responses of
	// modules run here, for a request received from a user or forwarded by
	// another node.
	header, remoteHeader placementHeader
	// worker is the chain of advanced mode (_worker.wasm), or nil.
	worker []router.Match
	// include is _routes.json, given or generated: the paths that reach
	// functions. nil sends every path to them.
	include   *rules.Routes
	generated bool // include was generated, not read
	warnings  []string

	mu     sync.RWMutex // held for reading by each request in flight
	closed bool
}

// Load loads a deployment from a built project directory: it indexes the
// assets and compiles every module. A module that fails to load does not
// fail the site; Problems lists it.
func Load(ctx context.Context, opts Options) (*Site, error) {
	p := opts.Project
	s := &Site{
		opts:    opts,
		project: p,
		modules: map[string]*runtime.Module{},
		broken:  map[string]error{},
		limits: runtime.Limits{
			Timeout:      p.Limits.Timeout,
			Subrequests:  p.Limits.Subrequests,
			ResponseBody: int64(p.Limits.ResponseBody),
		},
		header:       newPlacementHeader("local-" + opts.Region),
		remoteHeader: newPlacementHeader("remote-" + opts.Region),
	}
	s.transport = opts.Transport
	if s.transport == nil {
		s.transport = Outbound
	}
	if s.opts.Logger == nil {
		s.opts.Logger = slog.New(slog.DiscardHandler)
	}
	out := filepath.Join(opts.Dir, p.OutputDir)
	aopts, err := s.loadRules(out)
	if err != nil {
		return nil, err
	}
	if s.assets, err = assets.New(out, aopts); err != nil {
		return nil, fmt.Errorf("loading assets: %w", err)
	}
	env := map[string]string{}
	for k, v := range p.Vars {
		env[k] = v
	}
	for k, v := range opts.Secrets {
		env[k] = v
	}
	s.engine, err = runtime.NewEngine(ctx, runtime.Config{
		Cache:       opts.Cache,
		MemoryLimit: int64(p.Limits.Memory),
		Env:         env,
		Logger:      s.opts.Logger,
	})
	if err != nil {
		return nil, err
	}
	if err := s.loadModules(ctx, out); err != nil {
		s.engine.Close(ctx)
		return nil, err
	}
	if err := s.loadRoutesJSON(out); err != nil {
		s.engine.Close(ctx)
		return nil, err
	}
	s.fetcher = newFetcher(s.assets)
	return s, nil
}

// Warnings returns the problems found in _redirects and _headers, each
// naming its file and line; the rest of each file applies.
func (s *Site) Warnings() []string { return s.warnings }

// Include returns the _routes.json rules in force, and whether they were
// generated from the route table rather than read; nil when every path
// reaches the functions.
func (s *Site) Include() (routes *rules.Routes, generated bool) { return s.include, s.generated }

// Advanced reports whether the site runs in advanced mode (_worker.wasm).
func (s *Site) Advanced() bool { return s.worker != nil }

// Problems returns why each module that failed to load did, by module.
func (s *Site) Problems() map[string]error { return s.broken }

// Routes returns the route table.
func (s *Site) Routes() *router.Table { return s.routes }

// Assets returns the number of static files served.
func (s *Site) Assets() int { return s.assets.Len() }

// Deployment returns the deployment's id; empty in dev.
func (s *Site) Deployment() string { return s.opts.Deployment }

// Project returns the deployment's configuration.
func (s *Site) Project() *config.Project { return s.project }

// Acquire marks a request in flight; it reports false if the site is
// closed (swapped out), and the caller then asks for the current site.
func (s *Site) Acquire() bool {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return false
	}
	return true
}

// Release ends a request started with Acquire.
func (s *Site) Release() { s.mu.RUnlock() }

// Close waits for the requests in flight, then frees the modules.
func (s *Site) Close(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.engine.Close(ctx)
}
