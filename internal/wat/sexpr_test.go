package wat

import (
	"context"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
)

// TestDeepNesting compiles a deeply folded expression and rejects nesting
// beyond maxNesting with an error rather than exhausting the stack.
func TestDeepNesting(t *testing.T) {
	const depth = 5000
	src := `(module (func (export "f") (result i32) ` +
		strings.Repeat("(i32.add (i32.const 1) ", depth) + "(i32.const 0)" + strings.Repeat(")", depth) + "))"
	bin, err := Compile([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := newRuntime(t, ctx, wazero.NewRuntimeConfigInterpreter())
	mod, err := r.Instantiate(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := mod.ExportedFunction("f").Call(ctx); err != nil || got[0] != depth {
		t.Fatalf("f() = %v, %v; want %d", got, err, depth)
	}

	_, err = Compile([]byte(strings.Repeat("(", maxNesting+2)))
	if err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Fatalf("Compile of %d open parentheses: %v", maxNesting+2, err)
	}
}
