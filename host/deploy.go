package host

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/wasmpages/wasmpages/host/internal/bundle"
	"github.com/wasmpages/wasmpages/host/internal/config"
	"github.com/wasmpages/wasmpages/host/internal/site"
)

// DeployOptions configure Deploy.
type DeployOptions struct {
	AdminOptions
	// Dir is the project directory, holding pages.toml.
	Dir string
	// DataDir holds the compilation cache; "" is the user cache directory.
	DataDir string
	// Wait is how long to wait for every live node to serve the new
	// deployment; default 2 minutes.
	Wait time.Duration
	// Secrets are set on the new deployment, which keeps the active
	// deployment's others but DropSecrets; with ReplaceSecrets, it has
	// Secrets alone.
	Secrets        map[string]string
	DropSecrets    []string
	ReplaceSecrets bool
}

// Deploy builds a project, checks it as a node will (pages.toml, every
// module compiles and speaks the ABI, _routes.json), packs its bundle,
// uploads it to a node and waits until every live node serves it. It
// prints the deployment id, the URL and each region's state.
func Deploy(ctx context.Context, o DeployOptions) error {
	c, err := newAdminClient(o.AdminOptions)
	if err != nil {
		return err
	}
	change := secretsChange{Set: o.Secrets, Drop: o.DropSecrets, Replace: o.ReplaceSecrets}
	if err := change.check(); err != nil {
		return err
	}
	secretsHeader, err := change.encode()
	if err != nil {
		return err
	}
	if o.Wait == 0 {
		o.Wait = 2 * time.Minute
	}
	p, err := buildProject(ctx, o.Dir, o.Out)
	if err != nil {
		return err
	}
	routes, err := checkProject(ctx, o.Dir, o.DataDir, p, o.Secrets, o.Out)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp("", "wasmpages-*.bundle")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	_, id, size, err := bundle.Pack(f, o.Dir, p, routes)
	if err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "bundle %s (%s)\n", short(id), sizeString(size))
	host, _ := os.Hostname()
	up := newProgress(o.Out, "uploading", size, f)
	var res deployResult
	header := http.Header{
		"Content-Type":    {"application/octet-stream"},
		"X-Bundle-Id":     {id},
		"X-Deploy-Source": {"deploy from " + host},
	}
	if !change.empty() {
		header.Set(headerSecrets, secretsHeader)
	}
	err = c.call(ctx, "POST", "/v1/projects/"+p.Name+"/deployments", up, header, &res)
	up.finish()
	var ae *adminError
	if errors.As(err, &ae) && ae.Status == http.StatusConflict {
		return fmt.Errorf("another deploy of %s won the race: %s\n  run wasmpages deployments %s to see what is active, then deploy again if needed", p.Name, ae.Msg, p.Name)
	}
	if err != nil {
		return fmt.Errorf("deploying %s: %w", p.Name, err)
	}
	if res.Unchanged {
		fmt.Fprintf(o.Out, "deployment %s is already active\n", id)
	} else {
		fmt.Fprintf(o.Out, "deployment %s is active\n", id)
	}
	if len(res.Secrets) > 0 {
		fmt.Fprintf(o.Out, "secrets: %s\n", strings.Join(res.Secrets, ", "))
	}
	fmt.Fprintf(o.Out, "url: %s\n", res.URL)
	return waitReady(ctx, c, o.Out, p.Name, res.Deployment.Key(), o.Wait)
}

// checkProject loads a built project as a node would, with the secrets
// the deploy sets, and returns its routes for the manifest; a module that
// does not load fails the deploy.
func checkProject(ctx context.Context, dir, dataDir string, p *config.Project, env map[string]string, out io.Writer) ([]bundle.Route, error) {
	if _, err := os.Stat(filepath.Join(dir, p.OutputDir)); err != nil {
		return nil, fmt.Errorf("%s: pages_build_output_dir %q does not exist: create it, or let [build] command produce it", filepath.Join(dir, config.FileName), p.OutputDir)
	}
	cache, err := openCache(dataDir)
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(out, "checking: compiling every module")
	s, err := site.Load(ctx, site.Options{Dir: dir, Project: p, Secrets: env, Region: "deploy", Cache: cache})
	if err != nil {
		return nil, err
	}
	defer s.Close(ctx)
	for _, w := range s.Warnings() {
		fmt.Fprintf(out, "warning: %s\n", w)
	}
	if probs := s.Problems(); len(probs) > 0 {
		var lines []string
		for _, k := range slices.Sorted(maps.Keys(probs)) {
			lines = append(lines, fmt.Sprintf("  %s: %v", k, probs[k]))
		}
		return nil, fmt.Errorf("%d modules failed to load, nothing was deployed:\n%s", len(probs), strings.Join(lines, "\n"))
	}
	var routes []bundle.Route
	for _, r := range s.Routes().Routes() {
		routes = append(routes, bundle.Route{Method: r.Method, Path: r.Path, Module: r.Module, Middleware: r.Middleware})
	}
	return routes, nil
}

// waitReady polls until every live node serves the deployment, or wait
// passes, then prints each region's state.
func waitReady(ctx context.Context, c *adminClient, out io.Writer, project, id string, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	var r readiness
	for {
		r = readiness{} // a field an answer leaves out must not keep the last one's value
		err := c.call(ctx, "GET", "/v1/projects/"+project+"/deployments/"+id, nil, nil, &r)
		if err != nil {
			return err
		}
		if r.Done || time.Now().After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	printReadiness(out, &r)
	if !r.Done {
		return fmt.Errorf("not every node serves deployment %s after %s: the nodes above that are not ready still serve their previous deployment; see wasmpages status", short(id), wait)
	}
	return nil
}

// printReadiness prints each region's nodes and their state.
func printReadiness(out io.Writer, r *readiness) {
	sort.Slice(r.Nodes, func(i, j int) bool {
		a, b := r.Nodes[i], r.Nodes[j]
		return a.Region < b.Region || a.Region == b.Region && a.Node < b.Node
	})
	fmt.Fprintln(out, "regions:")
	for _, n := range r.Nodes {
		line := fmt.Sprintf("  %-12s %-16s %s", n.Region, n.Node, n.State)
		switch {
		case n.Detail != "":
			line += ": " + n.Detail
		case n.Serving != "":
			line += " (serving " + short(n.Serving) + ")"
		}
		fmt.Fprintln(out, line)
	}
}
