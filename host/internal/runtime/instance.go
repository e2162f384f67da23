package runtime

import (
	"context"
	"fmt"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"

	"github.com/wasmpages/wasmpages/abi"
)

// instance is one live instantiation of a module: its own memory and
// globals, reused for one request after another.
type instance struct {
	mod    api.Module
	handle api.Function
	stack  []uint64 // reused for every call
	log    *logWriter
	// deadline is the current call's, for sleep; zero between calls.
	deadline time.Time
}

// instantiate starts a new instance, running _initialize.
func (m *Module) instantiate(ctx context.Context) (*instance, error) {
	start := time.Now()
	lw := newLogWriter(m.engine.logger, m.name)
	in := &instance{stack: make([]uint64, 1), log: lw}
	cfg := wazero.NewModuleConfig().
		WithName("").
		WithStartFunctions(abi.ExportInitialize).
		WithSysWalltime().WithSysNanotime().WithNanosleep(in.sleep).
		WithRandSource(randReader).
		WithStdout(lw).WithStderr(lw)
	for _, kv := range m.engine.env {
		cfg = cfg.WithEnv(kv[0], kv[1])
	}
	mod, err := m.engine.rt.InstantiateModule(experimental.WithMemoryAllocator(ctx, memoryAllocator), m.compiled, cfg)
	if err != nil {
		lw.Flush()
		return nil, fmt.Errorf("starting an instance: %w", describe(err))
	}
	m.engine.logger.Debug("instance started", "module", m.name, "took", time.Since(start))
	in.mod, in.handle = mod, mod.ExportedFunction(abi.ExportHandle)
	return in, nil
}

// sleep is the instance's WASI sleep (poll_oneoff on a clock; time.Sleep
// in Go). A sleeping guest runs no checkpoint, so the sleep itself stops
// at the call's deadline and traps.
func (in *instance) sleep(ns int64) {
	d := time.Duration(ns)
	if !in.deadline.IsZero() {
		if left := time.Until(in.deadline); left < d {
			time.Sleep(max(left, 0))
			panic(errInterrupted)
		}
	}
	time.Sleep(d)
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
