package runner

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/wasmtasks/wasmtasks/runner/internal/capi"
	"github.com/wasmtasks/wasmtasks/runner/internal/store"
)

// Kind tells the two kinds of program apart. The zero value is
// KindUnknown: no program was loaded.
type Kind int

const (
	// KindUnknown means the kind is not known: the program did not load.
	KindUnknown Kind = Kind(capi.KindUnknown)
	// Module is a WASI preview1 core module with a _start export.
	Module Kind = Kind(capi.KindModule)
	// Component is a wasi:cli command component exporting wasi:cli/run@0.2.x.
	Component Kind = Kind(capi.KindComponent)
)

func (k Kind) String() string { return capi.Kind(k).String() }

// Source says where a run's compiled code came from. The zero value is
// SourceUnknown: no code was compiled or loaded.
type Source int

const (
	// SourceUnknown means no code was compiled or loaded: the run failed
	// before, for example on a file that is not WebAssembly.
	SourceUnknown Source = iota
	// Compiled means the program was compiled for this run.
	Compiled
	// Stored means the compiled code came from the store on disk.
	Stored
	// Memory means the engine had already compiled or loaded it.
	Memory
	// Remote means the compiled code came from a remote cache, made on
	// another machine under the same team key (see [CodeCache]).
	Remote
)

func (s Source) String() string {
	switch s {
	case Compiled:
		return "compiled"
	case Stored:
		return "stored"
	case Memory:
		return "memory"
	case Remote:
		return "remote"
	}
	return "unknown"
}

type digest [sha256.Size]byte

// program is compiled code held by the engine.
type program struct {
	c     *capi.Program
	eng   *capi.Engine // the engine that made c, on which it runs
	kind  Kind
	shape shape // what the memory limit is divided among
}

// loadFlight is one program's compilation, shared by every run that wants
// the program, including those that ask while it is still compiling.
type loadFlight struct {
	done chan struct{}
	prog *program
	src  Source // for the run that started it
	err  error

	size    int       // bytes of the program
	started time.Time // when the load began

	// ahead is set for a flight that Prepare started, before any run
	// wanted the program; the first run to join it then reports src,
	// not Memory, so that a summary still says where the code came
	// from. claimed is set once a run has. Both guarded by progMu.
	ahead, claimed bool
}

// ErrNotWasm is wrapped by the error for bytes that are not a WebAssembly
// module or component.
var ErrNotWasm = errors.New("not a WebAssembly module or component")

var wasmMagic = []byte("\x00asm")

// kindOf tells a component from a core module by the preamble: the magic
// number, then a 16-bit version and a 16-bit layer (0 module, 1 component).
func kindOf(wasm []byte) (Kind, error) {
	if len(wasm) == 0 {
		return KindUnknown, fmt.Errorf("%w: the file is empty", ErrNotWasm)
	}
	if len(wasm) < 8 || !bytes.Equal(wasm[:4], wasmMagic) {
		return KindUnknown, fmt.Errorf("%w: it does not start with the wasm magic number \\0asm", ErrNotWasm)
	}
	version := uint16(wasm[4]) | uint16(wasm[5])<<8
	switch layer := uint16(wasm[6]) | uint16(wasm[7])<<8; {
	case layer == 0 && version == 1:
		return Module, nil
	case layer == 1:
		return Component, nil
	default:
		return KindUnknown, fmt.Errorf("%w: unsupported binary version %d, layer %d", ErrNotWasm, version, layer)
	}
}

// load returns the compiled program for wasm, compiling it only if no other
// run has; runs that ask at the same moment share one compilation. The
// compilation runs on its own goroutine, since the C API cannot cancel
// one: when ctx ends first, load returns a [*compileStop] at once, and the
// compilation goes on, keeping the engine alive, for later runs and the
// store. onCompile, if not nil, hears of a compile that this call starts
// (see [Cmd.OnCompile]).
func (e *Engine) load(ctx context.Context, wasm []byte, key digest, onCompile func(int64) func()) (*program, Source, error) {
	return e.loadFor(ctx, wasm, key, onCompile, false)
}

// loadFor is load; ahead says the program is loaded ahead of the runs
// that will want it (see [loadFlight]).
func (e *Engine) loadFor(ctx context.Context, wasm []byte, key digest, onCompile func(int64) func(), ahead bool) (*program, Source, error) {
	kind, err := kindOf(wasm)
	if err != nil {
		return nil, SourceUnknown, err
	}
	e.progMu.Lock()
	f, joined := e.programs[key]
	if !joined {
		f = &loadFlight{done: make(chan struct{}), size: len(wasm), started: time.Now(), ahead: ahead}
		e.programs[key] = f
		e.hold()
		go func() {
			defer e.release()
			e.fly(f, kind, wasm, key, onCompile)
		}()
	}
	e.progMu.Unlock()
	select {
	case <-f.done:
	case <-ctx.Done():
		select {
		case <-f.done: // both ready: the program wins
		default:
			return nil, SourceUnknown, &compileStop{ctx: ctx.Err(), size: f.size, since: time.Since(f.started)}
		}
	}
	if joined {
		return f.prog, e.joinedSource(f, ahead), f.err
	}
	return f.prog, f.src, f.err
}

// joinedSource is the source a load that joined the flight f reports:
// Memory, but where the code came from for the first run that joins a
// flight started ahead of it.
func (e *Engine) joinedSource(f *loadFlight, ahead bool) Source {
	e.progMu.Lock()
	defer e.progMu.Unlock()
	if f.ahead && !f.claimed && !ahead {
		f.claimed = true
		return f.src
	}
	return Memory
}

// fly checks, loads or compiles the program of the flight f and lands it.
func (e *Engine) fly(f *loadFlight, kind Kind, wasm []byte, key digest, onCompile func(int64) func()) {
	f.prog, f.src, f.err = e.checkedAndCompiled(kind, wasm, key, onCompile)
	if f.err != nil {
		// Forget failures so that a later run reports its own error.
		e.progMu.Lock()
		delete(e.programs, key)
		e.progMu.Unlock()
	}
	close(f.done)
}

// checkedAndCompiled reads the program's sections, refuses a program that
// needs what the host lacks before compiling anything, and then loads or
// compiles it. A program whose sections cannot be walked gets wasmtime's
// own word on it first, when wasmtime refuses it too.
func (e *Engine) checkedAndCompiled(kind Kind, wasm []byte, key digest, onCompile func(int64) func()) (*program, Source, error) {
	sh, shapeErr := shapeOf(wasm)
	if shapeErr == nil {
		if err := sh.needs.importError(); err != nil {
			return nil, SourceUnknown, err
		}
	}
	p, src, err := e.storedOrCompiled(kind, wasm, key, onCompile)
	if err == nil && shapeErr != nil {
		p.c.Close()
		return nil, src, shapeErr
	}
	if err == nil {
		p.shape = sh
	}
	return p, src, err
}

// storedOrCompiled loads the program's compiled code from the store, or compiles it
// and stores the result.
func (e *Engine) storedOrCompiled(kind Kind, wasm []byte, d digest, onCompile func(int64) func()) (*program, Source, error) {
	if e.store == nil {
		p, err := e.compile(kind, wasm, onCompile)
		return p, Compiled, err
	}
	key := e.storeKey(d)
	if ent, err := e.store.Get(key); err == nil {
		if p := e.deserialize(kind, key, ent); p != nil {
			return p, Stored, nil
		}
		e.store.Remove(key)
	}
	if p := e.fromShared(kind, key); p != nil {
		return p, Remote, nil
	}
	p, err := e.compile(kind, wasm, onCompile)
	if err != nil {
		return nil, Compiled, err
	}
	// A program that cannot be stored still runs: Put has warned.
	if code, err := p.c.Serialize(); err == nil {
		_ = e.store.Put(key, kind.String(), code)
		e.toShared(kind, key, code)
	}
	return p, Compiled, nil
}

// deserialize loads a verified store entry, or returns nil when it is of
// another kind or wasmtime refuses it. It loads the very file the store
// verified, and closes the entry.
func (e *Engine) deserialize(kind Kind, key string, ent *store.Entry) *program {
	defer ent.Close()
	if ent.Kind != kind.String() {
		return nil
	}
	p, eng, err := e.onEngine(func(c *capi.Engine) (*capi.Program, error) {
		return c.DeserializeFile(capi.Kind(kind), ent.Path())
	})
	if err != nil {
		e.log.Warn(fmt.Sprintf("store: removed an entry this engine cannot load (%v); compiling the program again", err), "key", key)
		return nil
	}
	return &program{c: p, eng: eng, kind: kind}
}

// storeKey names a program's compiled code in the store: it covers the
// program bytes, the wasmtime version, every engine setting that changes the
// generated code, and the platform.
func (e *Engine) storeKey(d digest) string {
	h := sha256.New()
	h.Write(d[:])
	fmt.Fprintf(h, "\n%s\n%s/%s\n", e.c.Settings().Fingerprint(), runtime.GOOS, runtime.GOARCH)
	return hex.EncodeToString(h.Sum(nil))
}

func (e *Engine) compile(kind Kind, wasm []byte, onCompile func(int64) func()) (*program, error) {
	for _, hook := range []func(int64) func(){e.onCompile, onCompile} {
		if hook != nil {
			if done := hook(int64(len(wasm))); done != nil {
				defer done()
			}
		}
	}
	p, eng, err := e.onEngine(func(c *capi.Engine) (*capi.Program, error) {
		return c.Compile(capi.Kind(kind), wasm)
	})
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	return &program{c: p, eng: eng, kind: kind}, nil
}

// Load compiles the program at path, or loads its compiled code from the
// store, without running it: for warming the store ahead of a run.
func (e *Engine) Load(path string) (Kind, Source, error) {
	wasm, err := readProgram(path)
	if err != nil {
		return KindUnknown, SourceUnknown, fmt.Errorf("runner: %w", err)
	}
	p, src, err := e.load(context.Background(), wasm, digest(sha256.Sum256(wasm)), nil)
	if err != nil {
		return KindUnknown, SourceUnknown, fmt.Errorf("runner: %q: %w", path, err)
	}
	return p.kind, src, nil
}
