package testguest

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// SharedDataDir is a data directory that the tests of every package share,
// so that a module compiled by one test process is found in the
// compilation cache by the next.
func SharedDataDir() string {
	return filepath.Join(os.TempDir(), "wasmpages-test-data")
}

// PutGoOnPath makes sure the go command of the toolchain running the tests
// is first on PATH, for projects whose [build] command runs `go build`.
func PutGoOnPath() {
	bin := filepath.Join(runtime.GOROOT(), "bin")
	if !strings.HasPrefix(os.Getenv("PATH"), bin+string(os.PathListSeparator)) {
		os.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
}
