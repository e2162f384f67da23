package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// module is the repository's module path.
const module = "github.com/wasmpages/wasmpages"

// workspace is the benchmark's temporary directory: the copy of the project
// with its extra function, the back end's binary, the compilation cache, the
// simulations' log and the modes' results.
type workspace struct {
	dir     string // the temporary directory
	project string // the copy of examples/placement
	backend string // the back end's binary
	data    string // the compilation cache, shared by the simulations
	log     *os.File
}

// openWorkspace opens the workspace in dir, made by prepare.
func openWorkspace(dir string) (*workspace, error) {
	w := &workspace{
		dir:     dir,
		project: filepath.Join(dir, "project"),
		backend: filepath.Join(dir, "backend"),
		data:    filepath.Join(dir, "data"),
	}
	var err error
	w.log, err = os.OpenFile(filepath.Join(dir, "simulation.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	return w, err
}

// prepare copies examples/placement into a new temporary directory, makes
// the copy a module that uses this repository (so that its own [build]
// command builds the middleware and /api/orders there), builds the
// benchmark's /api/profile into it and builds the back end once.
func prepare() (*workspace, error) {
	repo, err := repoRoot()
	if err != nil {
		return nil, err
	}
	putGoOnPath()
	dir, err := os.MkdirTemp("", "wasmpages-bench-placement-")
	if err != nil {
		return nil, err
	}
	w, err := openWorkspace(dir)
	if err != nil {
		return w, err
	}
	if err := copyProject(filepath.Join(repo, "examples", "placement"), w.project); err != nil {
		return w, fmt.Errorf("copying examples/placement: %w", err)
	}
	// The copy lives outside the repository: a go.mod that points back to
	// it lets the project's own build command (go build ./src/...) run
	// unchanged.
	mod := fmt.Sprintf("module placementbench\n\ngo 1.26.0\n\nrequire %s v0.0.0\n\nreplace %s => %s\n", module, module, repo)
	if err := os.WriteFile(filepath.Join(w.project, "go.mod"), []byte(mod), 0o644); err != nil {
		return w, err
	}
	profile := filepath.Join(w.project, "functions", "api", "profile.wasm")
	if err := os.MkdirAll(filepath.Dir(profile), 0o755); err != nil {
		return w, err
	}
	if err := goBuild(repo, true, profile, "./bench/placement/profile"); err != nil {
		return w, fmt.Errorf("building /api/profile: %w", err)
	}
	if err := goBuild(repo, false, w.backend, "./examples/placement/backend"); err != nil {
		return w, fmt.Errorf("building the back end: %w", err)
	}
	return w, nil
}

// remove deletes the workspace.
func (w *workspace) remove() {
	if w.log != nil {
		w.log.Close()
	}
	os.RemoveAll(w.dir)
}

// simFile writes the simulation file of the benchmark's network, with the
// back end "db" on addr, and returns its path.
func (w *workspace) simFile(addr string) (string, error) {
	var b strings.Builder
	b.WriteString("regions = [\"a\", \"b\", \"c\"]\n\n[rtt]\n")
	for _, l := range links {
		fmt.Fprintf(&b, "%q = %q\n", l.pair, l.rtt)
	}
	fmt.Fprintf(&b, "\n[[backend]]\nname = \"db\"\nurl = \"http://%s\"\ncommand = %q\n", addr, w.backend)
	for _, r := range regions {
		// Each user is 5ms from its region: the simulation file's default.
		fmt.Fprintf(&b, "\n[[client]]\nname = %q\nnear = %q\n", client(r), r)
	}
	path := filepath.Join(w.dir, "sim.toml")
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

// The benchmark's network: three regions and the back end beside a.
var (
	regions = []string{"a", "b", "c"}
	links   = []struct{ pair, rtt string }{
		{"a b", "40ms"}, {"a c", "80ms"}, {"b c", "120ms"},
		{"a db", "1ms"}, {"b db", "40ms"}, {"c db", "80ms"},
	}
)

// client names the simulated user near region r.
func client(r string) string { return "user-" + r }

// copyProject copies the project in src to dst, leaving out the build's
// outputs (*.wasm), which the copy's build command makes again.
func copyProject(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case !d.Type().IsRegular() || strings.HasSuffix(d.Name(), ".wasm"):
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// goBuild builds the package pkg of the repository into out, for
// GOOS=wasip1 as a reactor when wasm is set, natively otherwise.
func goBuild(repo string, wasm bool, out, pkg string) error {
	args := []string{"build", "-o", out}
	env := os.Environ()
	if wasm {
		args = append(args, "-buildmode=c-shared")
		env = append(env, "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	}
	cmd := exec.Command(goTool(), append(args, pkg)...)
	cmd.Dir, cmd.Env = repo, env
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%w\n%s", err, b)
	}
	return nil
}

// repoRoot returns the directory of the repository's go.mod, searched from
// the working directory up.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if f, err := os.Open(filepath.Join(dir, "go.mod")); err == nil {
			s := bufio.NewScanner(f)
			first := s.Scan() && strings.TrimSpace(s.Text()) == "module "+module
			f.Close()
			if first {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run it from inside the wasmpages repository: no go.mod of " + module + " above the working directory")
		}
		dir = parent
	}
}

// goTool returns the go command of the toolchain that built this program,
// or the one on PATH.
func goTool() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}

// putGoOnPath puts that go command first on PATH, for the project's build
// command.
func putGoOnPath() {
	if bin := filepath.Join(runtime.GOROOT(), "bin"); fileExists(filepath.Join(bin, "go")) {
		os.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// freeAddr returns a loopback address with a port free at the time.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
