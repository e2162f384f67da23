package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/wasmpages/wasmpages/host"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", "serve --config node.toml\n\nRuns a production node: the public listener serving every project by Host, the\ncluster listener and the admin API, as node.toml says (see examples/cluster).\nSIGTERM or Ctrl-C drains: it stops accepting and finishes the requests in flight.", stderr)
	cfg := fs.String("config", "node.toml", "the node's configuration file")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "wasmpages serve: unexpected argument %q\n", pos[0])
		fs.Usage()
		return errUsage
	}
	return host.Serve(ctx, host.ServeOptions{Config: *cfg, Out: stdout})
}

// adminFlags are the flags of the commands that talk to a node's admin API.
func adminFlags(fs *flag.FlagSet, stdout io.Writer) func() host.AdminOptions {
	url := fs.String("to", os.Getenv("WASMPAGES_URL"), "the admin API of a node, http://HOST:PORT (default $WASMPAGES_URL)")
	token := fs.String("token", "", "the node's admin token (default $WASMPAGES_TOKEN)")
	return func() host.AdminOptions {
		t := *token
		if t == "" {
			t = os.Getenv("WASMPAGES_TOKEN")
		}
		return host.AdminOptions{URL: *url, Token: t, Out: stdout}
	}
}

func runDeploy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("deploy", "deploy [DIR] --to URL [--token TOKEN] [--secret NAME]... [--drop-secret NAME]...\n\nBuilds the project in DIR (default: the current directory), checks it, uploads it\nto a node of the cluster and waits until every live node serves it.\n\nSecrets are environment variables of the functions that never enter the bundle:\n--secret NAME takes NAME's value from this command's environment. The new\ndeployment keeps the active one's other secrets; --drop-secret removes one,\n--replace-secrets all but those set (after a new cluster secret, for one). Nodes\nseal them under the cluster secret before they reach the control plane.", stderr)
	admin := adminFlags(fs, stdout)
	dataDir := fs.String("data-dir", "", "where compiled modules are cached (default: the user cache directory)")
	wait := fs.Duration("wait", 2*time.Minute, "how long to wait for every node to serve the new deployment")
	var set, drop nameList
	fs.Var(&set, "secret", "set the secret NAME from the environment variable NAME (repeatable)")
	fs.Var(&drop, "drop-secret", "remove the secret NAME (repeatable)")
	replace := fs.Bool("replace-secrets", false, "keep none of the active deployment's secrets: only those set with --secret")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	secrets := map[string]string{}
	for _, name := range set {
		if strings.Contains(name, "=") {
			// Not echoed: the part after "=" may be the secret.
			return fmt.Errorf("--secret takes a NAME whose value is read from the environment, not NAME=value: values never go on the command line")
		}
		v, ok := os.LookupEnv(name)
		if !ok {
			return fmt.Errorf("--secret %s: the environment has no %s; export it first (its value is read from there, never from the command line)", name, name)
		}
		secrets[name] = v
	}
	if len(pos) > 1 {
		fmt.Fprintf(stderr, "wasmpages deploy: one project directory at most, got %d\n", len(pos))
		fs.Usage()
		return errUsage
	}
	dir := "."
	if len(pos) == 1 {
		dir = pos[0]
	}
	return host.Deploy(ctx, host.DeployOptions{AdminOptions: admin(), Dir: dir, DataDir: *dataDir, Wait: *wait, Secrets: secrets, DropSecrets: drop, ReplaceSecrets: *replace})
}

// projectArgs parses a command whose positionals are a project and, when
// optional is set, at most one more.
func projectArgs(fs *flag.FlagSet, name string, args []string, stderr io.Writer, extra int) ([]string, error) {
	pos, err := parse(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) < 1 || len(pos) > 1+extra {
		fmt.Fprintf(stderr, "wasmpages %s: wrong number of arguments\n", name)
		fs.Usage()
		return nil, errUsage
	}
	return pos, nil
}

func runDeployments(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("deployments", "deployments PROJECT --to URL [--token TOKEN]\n\nLists the project's last deployments, newest first; * marks the active one.", stderr)
	admin := adminFlags(fs, stdout)
	pos, err := projectArgs(fs, "deployments", args, stderr, 0)
	if err != nil {
		return err
	}
	return host.Deployments(ctx, admin(), pos[0])
}

func runRollback(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("rollback", "rollback PROJECT [ID] --to URL [--token TOKEN]\n\nMakes an earlier deployment active again: ID (or a unique prefix of it) from\n'wasmpages deployments', or by default the one before the active one.", stderr)
	admin := adminFlags(fs, stdout)
	pos, err := projectArgs(fs, "rollback", args, stderr, 1)
	if err != nil {
		return err
	}
	id := ""
	if len(pos) == 2 {
		id = pos[1]
	}
	return host.Rollback(ctx, admin(), pos[0], id)
}

func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("status", "status --to URL [--token TOKEN]\n\nShows the cluster: regions, nodes and their health, and each project's active\ndeployment per node.", stderr)
	admin := adminFlags(fs, stdout)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		fmt.Fprintf(stderr, "wasmpages status: unexpected argument %q\n", pos[0])
		fs.Usage()
		return errUsage
	}
	return host.Status(ctx, admin())
}

func runPlacement(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("placement", "placement PROJECT --to URL [--token TOKEN]\n\nExplains, for each region, where the project's modules run and why: status,\ndecision, each candidate region's estimate and its inputs, and placed versus\nbaseline request durations.", stderr)
	admin := adminFlags(fs, stdout)
	pos, err := projectArgs(fs, "placement", args, stderr, 0)
	if err != nil {
		return err
	}
	return host.Placement(ctx, admin(), pos[0])
}

// nameList is a repeatable flag of names.
type nameList []string

func (l *nameList) String() string     { return strings.Join(*l, ",") }
func (l *nameList) Set(v string) error { *l = append(*l, v); return nil }
