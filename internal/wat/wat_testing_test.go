package wat

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// recordingTB captures Fatalf instead of stopping the test.
type recordingTB struct {
	testing.TB
	fatal string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }

func TestMustCompileFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	ok := write("ok.wat", `(module (func (export "f") (result i32) i32.const 1))`)
	if bin := MustCompileFile(t, ok); len(bin) < 8 || string(bin[1:4]) != "asm" {
		t.Fatalf("MustCompileFile returned %x", bin)
	}

	bad := write("bad.wat", "(module\n  (func f32.add))")
	rec := &recordingTB{TB: t}
	if bin := MustCompileFile(rec, bad); bin != nil {
		t.Errorf("MustCompileFile returned %x for a bad module", bin)
	}
	if want := bad + ":2:9: unsupported instruction f32.add"; rec.fatal != want {
		t.Errorf("Fatalf message = %q, want %q", rec.fatal, want)
	}

	rec = &recordingTB{TB: t}
	MustCompileFile(rec, filepath.Join(dir, "missing.wat"))
	if rec.fatal == "" {
		t.Error("MustCompileFile did not fail for a missing file")
	}
}
