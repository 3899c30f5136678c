package runner

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/wasmtasks/wasmtasks/runner/internal/capi"
)

// Kind tells the two kinds of program apart.
type Kind int

const (
	// Module is a WASI preview1 core module with a _start export.
	Module Kind = Kind(capi.KindModule)
	// Component is a wasi:cli command component exporting wasi:cli/run@0.2.x.
	Component Kind = Kind(capi.KindComponent)
)

func (k Kind) String() string { return capi.Kind(k).String() }

// Source says where a run's compiled code came from.
type Source int

const (
	// Compiled means the program was compiled for this run.
	Compiled Source = iota
	// Memory means the engine had already compiled or loaded it.
	Memory
)

func (s Source) String() string {
	switch s {
	case Compiled:
		return "compiled"
	case Memory:
		return "memory"
	}
	return "unknown"
}

type digest [sha256.Size]byte

// program is compiled code held by the engine.
type program struct {
	c    *capi.Program
	kind Kind
}

// loadFlight is one program's compilation, shared by every run that wants
// the program, including those that ask while it is still compiling.
type loadFlight struct {
	done chan struct{}
	prog *program
	err  error
}

// ErrNotWasm is wrapped by the error for bytes that are not a WebAssembly
// module or component.
var ErrNotWasm = errors.New("not a WebAssembly module or component")

var wasmMagic = []byte("\x00asm")

// kindOf tells a component from a core module by the preamble: the magic
// number, then a 16-bit version and a 16-bit layer (0 module, 1 component).
func kindOf(wasm []byte) (Kind, error) {
	if len(wasm) == 0 {
		return 0, fmt.Errorf("%w: the file is empty", ErrNotWasm)
	}
	if len(wasm) < 8 || !bytes.Equal(wasm[:4], wasmMagic) {
		return 0, fmt.Errorf("%w: it does not start with the wasm magic number \\0asm", ErrNotWasm)
	}
	version := uint16(wasm[4]) | uint16(wasm[5])<<8
	switch layer := uint16(wasm[6]) | uint16(wasm[7])<<8; {
	case layer == 0 && version == 1:
		return Module, nil
	case layer == 1:
		return Component, nil
	default:
		return 0, fmt.Errorf("%w: unsupported binary version %d, layer %d", ErrNotWasm, version, layer)
	}
}

// load returns the compiled program for wasm, compiling it only if no other
// run has; runs that ask at the same moment wait for one compilation.
func (e *Engine) load(wasm []byte) (*program, Source, error) {
	kind, err := kindOf(wasm)
	if err != nil {
		return nil, 0, err
	}
	key := digest(sha256.Sum256(wasm))
	e.progMu.Lock()
	f, ok := e.programs[key]
	if !ok {
		f = &loadFlight{done: make(chan struct{})}
		e.programs[key] = f
	}
	e.progMu.Unlock()
	if ok {
		<-f.done
		return f.prog, Memory, f.err
	}
	f.prog, f.err = e.compile(kind, wasm)
	if f.err != nil {
		// Forget failures so that a later run reports its own error.
		e.progMu.Lock()
		delete(e.programs, key)
		e.progMu.Unlock()
	}
	close(f.done)
	return f.prog, Compiled, f.err
}

func (e *Engine) compile(kind Kind, wasm []byte) (*program, error) {
	p, err := e.c.Compile(capi.Kind(kind), wasm)
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	return &program{c: p, kind: kind}, nil
}
