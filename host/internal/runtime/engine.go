package runtime

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
)

// wasmPageSize is the size of one WebAssembly memory page.
const wasmPageSize = 64 << 10

// DefaultMaxInstances is the default cap on live instances per module; how
// many actually start depends on how many wait for I/O (see pool).
const DefaultMaxInstances = 64

// Config configures an Engine.
type Config struct {
	// Cache is the compilation cache shared by engines; nil compiles every
	// time.
	Cache *Cache
	// MemoryLimit caps each instance's linear memory, in bytes (rounded down
	// to whole pages). Zero means wazero's default (4 GiB).
	MemoryLimit int64
	// Env is every instance's WASI environment: vars and secrets.
	Env map[string]string
	// MaxInstances caps the live instances of each module; zero means
	// DefaultMaxInstances.
	MaxInstances int
	// Logger receives the lines guests write to stdout and stderr, and
	// instance lifecycle events. Nil discards them.
	Logger *slog.Logger
}

// Engine holds the modules of one deployment: one wazero runtime, so that
// closing the engine frees every module and instance at once. An Engine is
// safe for concurrent use.
type Engine struct {
	rt     wazero.Runtime
	cfg    Config
	env    [][2]string
	logger *slog.Logger
	mode   interruptMode
}

// NewEngine creates an engine with the host functions of abi and WASI
// preview 1 ready to be imported.
func NewEngine(ctx context.Context, cfg Config) (*Engine, error) {
	return newEngine(ctx, cfg, interruptInstrumented)
}

// interruptMode is how a guest past its time limit is stopped.
type interruptMode int

const (
	// interruptInstrumented: Instrument adds a checkpoint, called every so
	// many loop iterations and calls, that traps past the deadline. What
	// wasmpages uses.
	interruptInstrumented interruptMode = iota
	// interruptWazero: wazero's WithCloseOnContextDone, for comparison in
	// benchmarks.
	interruptWazero
	// interruptNone: a guest cannot be stopped; benchmarks only.
	interruptNone
)

func newEngine(ctx context.Context, cfg Config, mode interruptMode) (*Engine, error) {
	rc := wazero.NewRuntimeConfigCompiler().WithCloseOnContextDone(mode == interruptWazero)
	if cfg.Cache != nil {
		rc = rc.WithCompilationCache(cfg.Cache.cache)
	}
	if cfg.MemoryLimit > 0 {
		pages := cfg.MemoryLimit / wasmPageSize
		if pages < 1 {
			pages = 1
		}
		if pages > 65536 {
			pages = 65536
		}
		// Where memoryAllocator maps memories, growth never copies; elsewhere
		// reserving the maximum as a Go slice does the same.
		rc = rc.WithMemoryLimitPages(uint32(pages)).WithMemoryCapacityFromMax(memoryAllocator == nil)
	}
	if cfg.MaxInstances <= 0 {
		cfg.MaxInstances = DefaultMaxInstances
	}
	e := &Engine{rt: wazero.NewRuntimeWithConfig(ctx, rc), cfg: cfg, logger: cfg.Logger, mode: mode}
	if e.logger == nil {
		e.logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	for k, v := range cfg.Env {
		e.env = append(e.env, [2]string{k, v})
	}
	sort.Slice(e.env, func(i, j int) bool { return e.env[i][0] < e.env[j][0] })
	if _, err := wasi_snapshot_preview1.Instantiate(ctx, e.rt); err != nil {
		e.rt.Close(ctx)
		return nil, fmt.Errorf("instantiating wasi: %w", err)
	}
	if err := instantiateCheckpoint(ctx, e.rt); err != nil {
		e.rt.Close(ctx)
		return nil, fmt.Errorf("instantiating host functions: %w", err)
	}
	if err := instantiateHostModule(ctx, e.rt); err != nil {
		e.rt.Close(ctx)
		return nil, fmt.Errorf("instantiating host functions: %w", err)
	}
	return e, nil
}

// Close frees every module and instance of the engine. Calls in flight
// fail; the caller waits for them to end first.
func (e *Engine) Close(ctx context.Context) error {
	return e.rt.Close(ctx)
}

// Cache is a compilation cache on disk, shared by the engines of a process
// so that a module compiled once is not compiled again, even after a
// restart.
type Cache struct {
	cache wazero.CompilationCache
}

// NewCache opens (creating if needed) a compilation cache in dir.
func NewCache(dir string) (*Cache, error) {
	c, err := wazero.NewCompilationCacheWithDir(dir)
	if err != nil {
		return nil, fmt.Errorf("opening compilation cache %s: %w", dir, err)
	}
	return &Cache{cache: c}, nil
}
