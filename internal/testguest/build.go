// Package testguest builds Go packages as wasmpages functions for tests:
// real guests, compiled with GOOS=wasip1 by the go command that runs the
// tests, never committed.
package testguest

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var (
	mu    sync.Mutex
	built = map[string]string{}
)

// Build compiles the Go main package in dir (absolute, or relative to the
// test's working directory) for GOOS=wasip1 as a reactor, and returns the
// path of the .wasm file. Builds are shared by the tests of one process.
func Build(tb testing.TB, dir string) string {
	tb.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		tb.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if out, ok := built[abs]; ok {
		return out
	}
	sum := sha256.Sum256([]byte(abs))
	outDir := filepath.Join(os.TempDir(), "wasmpages-testguests")
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		tb.Fatal(err)
	}
	out := filepath.Join(outDir, filepath.Base(abs)+"-"+hex.EncodeToString(sum[:6])+".wasm")
	if err := BuildTo(abs, out); err != nil {
		tb.Fatalf("building guest %s: %v", dir, err)
	}
	built[abs] = out
	return out
}

// BuildTo compiles the Go main package in dir as a wasmpages function into
// the file out.
func BuildTo(dir, out string) error {
	cmd := exec.Command(goTool(), "build", "-buildmode=c-shared", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return &buildError{err: err, output: string(b)}
	}
	return nil
}

type buildError struct {
	err    error
	output string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.output }

// goTool returns the go command of the toolchain running the tests.
func goTool() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}
