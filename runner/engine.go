// Package runner runs one WASI command program — a wasi:cli component or a
// WASI preview1 core module — in-process on a shared wasmtime engine.
//
// Its API follows os/exec: create an [Engine] once per process, make a [Cmd]
// with [Engine.Command], set its fields, and call [Cmd.Run]:
//
//	eng, err := runner.NewEngine(runner.Options{})
//	...
//	defer eng.Close()
//	cmd := eng.Command("tools/fmt.wasm", "--check")
//	cmd.Stdout = os.Stdout
//	res, err := cmd.Run(ctx)
//
// The guest sees only what the Cmd gives it: its arguments, environment,
// streams and preopened directories. Cancelling the context, or its
// Timeout, stops a running guest within milliseconds.
package runner

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wasmtasks/wasmtasks/runner/internal/capi"
	"github.com/wasmtasks/wasmtasks/runner/internal/store"
)

// tick is how often the engine's epoch advances while a guest runs: the
// granularity of timeouts and cancellation.
const tick = 10 * time.Millisecond

// Options configure an [Engine]. The zero value is ready to use: it keeps
// compiled code in the default store folder and logs warnings with
// slog.Default().
type Options struct {
	// StoreDir is the folder of the store of compiled code. If empty, it is
	// [DefaultStoreDir].
	StoreDir string
	// NoStore turns the store off: every process compiles every program.
	NoStore bool
	// StoreMaxBytes caps the store's size; 0 means [DefaultStoreMaxBytes].
	StoreMaxBytes int64
	// Logger receives warnings: a damaged store entry, an unwritable store.
	// Nil means slog.Default().
	Logger *slog.Logger
	// OnCompile, if not nil, hears of every compile of the engine (those of
	// runs and of [Engine.Prepare]) as [Cmd.OnCompile] does of its run's:
	// for watching what compiles when, and how many at once.
	OnCompile func(size int64) (done func())
}

// Engine compiles programs and runs them. One engine serves a whole process:
// it is safe for concurrent use, compiles each distinct program once and
// keeps the compiled code in memory for its lifetime. It also remembers the
// digests of the last 1024 program files it read ([Engine.Digest]), so
// that an unchanged file is not read again. Close it when done.
type Engine struct {
	c      *capi.Engine
	pooled bool // c takes instances from the pooling allocator
	// spare maps instances on demand, for the programs that a pooled c
	// refuses (spare.go); nil until one needs it.
	spare    atomic.Pointer[capi.Engine]
	spareMu  sync.Mutex
	spareErr error
	store    *store.Store // nil when the store is off or could not be opened
	log      *slog.Logger
	shared   atomic.Pointer[CodeCache] // see ShareCode
	outs     outPool                   // pipes for guests' output, kept across runs (outchan.go)

	onCompile func(size int64) (done func()) // Options.OnCompile

	tickMu  sync.Mutex
	running int  // guests running now
	ticking bool // whether the epoch ticker runs
	closed  bool

	stuckMu   sync.Mutex
	stuck     int  // runs abandoned in a blocked host call (abandon.go)
	compiling int  // compiles under way (compiling.go)
	closing   bool // Close was called; the last stuck run frees the engine
	freeOnce  sync.Once

	progMu   sync.Mutex
	programs map[digest]*loadFlight
	files    map[string]loadedFile // program files already loaded, by path; at most maxKnownFiles
	uses     uint64                // counts uses of files, to forget the least recent
}

// NewEngine creates an engine. A store folder that cannot be created is no
// error: the engine warns and compiles in memory. A store that another user
// could write code into, or whose key they could read, is: the error
// matches [ErrUnsafeStore] and says how to fix it.
func NewEngine(opts Options) (*Engine, error) {
	pooled := canPool()
	c, err := capi.NewEngine(capi.Settings{EpochInterruption: true}, pooled)
	if err != nil {
		return nil, fmt.Errorf("runner: %w", err)
	}
	e := &Engine{c: c, pooled: pooled, log: opts.Logger, onCompile: opts.OnCompile, programs: map[digest]*loadFlight{}, files: map[string]loadedFile{}}
	if e.log == nil {
		e.log = slog.Default()
	}
	if !opts.NoStore {
		e.store, err = store.Open(opts.StoreDir, opts.StoreMaxBytes, e.log)
		if errors.Is(err, ErrUnsafeStore) {
			c.Close()
			return nil, fmt.Errorf("runner: %w", err)
		}
		if err != nil {
			e.log.Warn(fmt.Sprintf("runner: compiled code will not be kept: %v", err))
		}
	}
	return e, nil
}

// Close frees the engine and every program it compiled. Runs must have
// returned first. Runs that Run abandoned in a blocked host call, and
// compiles that stopped runs left behind, may still hold the engine: it is
// then freed when the last of them returns.
func (e *Engine) Close() error {
	e.stuckMu.Lock()
	e.closing = true
	busy := e.stuck + e.compiling
	e.stuckMu.Unlock()
	if busy == 0 {
		e.free()
	}
	return nil
}

// free frees the engine's programs and the wasmtime engine, once.
func (e *Engine) free() {
	e.freeOnce.Do(e.freeNow)
}

func (e *Engine) freeNow() {
	e.progMu.Lock()
	for k, f := range e.programs {
		if f.prog != nil {
			f.prog.c.Close()
		}
		delete(e.programs, k)
	}
	e.files = map[string]loadedFile{}
	e.progMu.Unlock()
	e.tickMu.Lock()
	e.closed = true
	e.tickMu.Unlock()
	e.outs.close()
	e.c.Close()
	if spare := e.spare.Load(); spare != nil {
		spare.Close()
	}
}

// guestStarted makes sure the epoch ticker runs while a guest runs; the
// returned func marks the guest finished. The ticker stops by itself once
// no guest has run for idleTicks, so an idle engine costs nothing, and a
// stream of short runs does not start and stop it each time.
func (e *Engine) guestStarted() (done func()) {
	e.tickMu.Lock()
	defer e.tickMu.Unlock()
	e.running++
	if !e.ticking {
		e.ticking = true
		go e.tickEpochs()
	}
	return func() {
		e.tickMu.Lock()
		defer e.tickMu.Unlock()
		e.running--
	}
}

// idleTicks is how long the ticker outlives the last running guest.
const idleTicks = 100

func (e *Engine) tickEpochs() {
	t := time.NewTicker(tick)
	defer t.Stop()
	idle := 0
	for range t.C {
		e.outs.kick() // runs this long stream their output (outchan.go)
		e.c.IncrementEpoch()
		if spare := e.spare.Load(); spare != nil {
			spare.IncrementEpoch()
		}
		e.tickMu.Lock()
		if e.running > 0 {
			idle = 0
		} else if idle++; idle >= idleTicks || e.closed {
			e.ticking = false
			e.tickMu.Unlock()
			return
		}
		e.tickMu.Unlock()
	}
}

// WasmtimeVersion is the version of wasmtime that runs the programs.
const WasmtimeVersion = capi.WasmtimeVersion
