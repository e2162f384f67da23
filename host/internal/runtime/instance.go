package runtime

import (
	"context"
	"fmt"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"

	"github.com/wasmpages/wasmpages/abi"
)

// instance is one live instantiation of a module: its own memory and
// globals, reused for one request after another.
type instance struct {
	mod    api.Module
	handle api.Function
	stack  []uint64 // reused for every call
	log    *logWriter
}

// instantiate starts a new instance, running _initialize.
func (m *Module) instantiate(ctx context.Context) (*instance, error) {
	start := time.Now()
	lw := newLogWriter(m.engine.logger, m.name)
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions(abi.ExportInitialize).
		WithSysWalltime().WithSysNanotime().WithSysNanosleep().
		WithRandSource(randReader).
		WithStdout(lw).WithStderr(lw)
	for _, kv := range m.engine.env {
		cfg = cfg.WithEnv(kv[0], kv[1])
	}
	mod, err := m.engine.rt.InstantiateModule(ctx, m.compiled, cfg)
	if err != nil {
		lw.Flush()
		return nil, fmt.Errorf("starting an instance: %w", describe(err))
	}
	m.engine.logger.Debug("instance started", "module", m.name, "took", time.Since(start))
	in := &instance{mod: mod, handle: mod.ExportedFunction(abi.ExportHandle), stack: make([]uint64, 1), log: lw}
	return in, nil
}

// checkVersion calls the guest's version export.
func (in *instance) checkVersion(ctx context.Context) error {
	res, err := in.mod.ExportedFunction(abi.ExportVersion).Call(ctx)
	if err != nil {
		return fmt.Errorf("calling %s: %w", abi.ExportVersion, describe(err))
	}
	if v := int32(res[0]); v != abi.Version {
		return fmt.Errorf("it speaks wasmpages ABI version %d; this host speaks version %d (rebuild it with a matching SDK)", v, abi.Version)
	}
	return nil
}

// methods calls the guest's optional methods export.
func (in *instance) methods(ctx context.Context) (int32, error) {
	f := in.mod.ExportedFunction(abi.ExportMethods)
	if f == nil {
		return abi.MethodAny, nil
	}
	if d := f.Definition(); len(d.ParamTypes()) != 0 || len(d.ResultTypes()) != 1 || d.ResultTypes()[0] != api.ValueTypeI32 {
		return 0, fmt.Errorf("export %s must have the signature () -> i32", abi.ExportMethods)
	}
	res, err := f.Call(ctx)
	if err != nil {
		return 0, fmt.Errorf("calling %s: %w", abi.ExportMethods, describe(err))
	}
	bits := int32(res[0])
	if bits == 0 {
		return 0, fmt.Errorf("%s returned 0: the module serves no method", abi.ExportMethods)
	}
	return bits, nil
}

func (in *instance) close(ctx context.Context) {
	in.log.Flush()
	in.mod.Close(ctx)
}
