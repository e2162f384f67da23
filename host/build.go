package host

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/wasmpages/wasmpages/host/internal/config"
)

// runBuild runs a project's [build] command in its directory with sh,
// streaming its output to out.
func runBuild(ctx context.Context, dir, command string, out io.Writer) error {
	if command == "" {
		return nil
	}
	start := time.Now()
	fmt.Fprintf(out, "building: %s\n", command)
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Dir = dir
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.Env = os.Environ()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("the build command failed (%v): %s\n  fix the build, or run it yourself in %s to see why", err, command, dir)
	}
	fmt.Fprintf(out, "built in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

// buildProject reads the project in dir and runs its [build] command, as
// routes, deploy and dev --simulate do before they load it.
func buildProject(ctx context.Context, dir string, out io.Writer) (*config.Project, error) {
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("%s is not a directory: give the path of a project (a directory with a pages.toml)", dir)
	}
	p, err := config.Load(dir)
	if err != nil {
		return nil, err
	}
	if err := runBuild(ctx, dir, p.Build.Command, out); err != nil {
		return nil, err
	}
	return p, nil
}
