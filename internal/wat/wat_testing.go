package wat

import (
	"errors"
	"os"
	"testing"
)

// MustCompileFile reads the WAT module at path and compiles it, failing tb
// with "path:line:col: message" on any error. It is meant for tests that keep
// guest modules as testdata/*.wat.
func MustCompileFile(tb testing.TB, path string) []byte {
	tb.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("reading WAT module: %v", err)
		return nil
	}
	bin, err := Compile(src)
	if e := (*Error)(nil); errors.As(err, &e) {
		tb.Fatalf("%s:%d:%d: %s", path, e.Line, e.Col, e.Msg)
		return nil
	} else if err != nil {
		tb.Fatalf("%s: %v", path, err)
		return nil
	}
	return bin
}
