package runtime

import (
	"context"
	"fmt"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/wasmpages/wasmpages/abi"
)

// Module is one compiled function with its pool of instances. It is safe
// for concurrent use.
type Module struct {
	name     string
	engine   *Engine
	compiled wazero.CompiledModule
	pool     pool
	methods  int32
}

// Methods returns the module's wasmpages_methods bits (abi.MethodGet ...),
// abi.MethodAny alone for a module without the export.
func (m *Module) Methods() int32 { return m.methods }

// Name returns the name the module was loaded under (its path in the
// project, for messages).
func (m *Module) Name() string { return m.name }

// Load compiles a module, checks that it is a wasmpages function speaking
// abi.Version, and starts its first instance (proving that _initialize
// runs). name is used in messages and logs.
func (e *Engine) Load(ctx context.Context, name string, wasm []byte) (*Module, error) {
	if e.mode == interruptInstrumented {
		var err error
		if wasm, err = Instrument(wasm); err != nil {
			return nil, fmt.Errorf("compiling %s: %w", name, err)
		}
	}
	compiled, err := e.rt.CompileModule(ctx, wasm)
	if err != nil {
		return nil, fmt.Errorf("compiling %s: %w", name, err)
	}
	if err := checkShape(compiled); err != nil {
		compiled.Close(ctx)
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	m := &Module{name: name, engine: e, compiled: compiled}
	m.pool.init(e.cfg.MaxInstances)
	in, err := m.instantiate(ctx)
	if err != nil {
		compiled.Close(ctx)
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := in.checkVersion(ctx); err != nil {
		in.close(ctx)
		compiled.Close(ctx)
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if m.methods, err = in.methods(ctx); err != nil {
		in.close(ctx)
		compiled.Close(ctx)
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	m.pool.add(in)
	return m, nil
}

// checkShape checks the exports abi requires, before anything runs.
func checkShape(c wazero.CompiledModule) error {
	exports := c.ExportedFunctions()
	want := []struct {
		name   string
		params int
	}{{abi.ExportVersion, 0}, {abi.ExportHandle, 0}}
	for _, w := range want {
		f, ok := exports[w.name]
		if !ok {
			return fmt.Errorf("not a wasmpages function: it does not export %s (build it with the wasmpages SDK, or see the abi package for the contract)", w.name)
		}
		if len(f.ParamTypes()) != w.params || len(f.ResultTypes()) != 1 || f.ResultTypes()[0] != api.ValueTypeI32 {
			return fmt.Errorf("export %s must have the signature () -> i32", w.name)
		}
	}
	if _, ok := exports[abi.ExportInitialize]; !ok {
		if _, isCommand := exports["_start"]; isCommand {
			return fmt.Errorf("it is a WASI command (exports _start): build it as a reactor with -buildmode=c-shared")
		}
		return fmt.Errorf("it does not export %s: build it as a WASI reactor", abi.ExportInitialize)
	}
	if _, ok := c.ExportedMemories()[abi.ExportMemory]; !ok {
		return fmt.Errorf("it does not export its memory as %q", abi.ExportMemory)
	}
	for _, imp := range c.ImportedFunctions() {
		mod, name, _ := imp.Import()
		if mod != abi.ImportModule && mod != "wasi_snapshot_preview1" && mod != CheckpointModule {
			return fmt.Errorf("it imports %s.%s, which wasmpages does not provide", mod, name)
		}
	}
	return nil
}

// Close frees the module's instances and compiled code.
func (m *Module) Close(ctx context.Context) error {
	m.pool.drain(ctx)
	return m.compiled.Close(ctx)
}
