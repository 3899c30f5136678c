//go:build !cgo

package capi

// This file stands in for the binding when cgo is off (CGO_ENABLED=0, or a
// cross build without a C compiler), so that every package above the
// runner still compiles and can be vetted for any GOOS. Nothing can run:
// NewEngine fails with errNoCgo, and without an engine no other value here
// can be made. TestStubMatchesBinding keeps this file's exported API equal
// to the binding's.

import "errors"

// errNoCgo is why nothing runs in a build without cgo.
var errNoCgo = errors.New("wasmtasks was built without cgo; wasmtime needs cgo " +
	"(build with CGO_ENABLED=1 and a C compiler)")

// Engine is the binding's engine; without cgo none can be made.
type Engine struct{ settings Settings }

// NewEngine fails: wasmtime needs cgo.
func NewEngine(s Settings, pooled bool) (*Engine, error) { return nil, errNoCgo }

// Settings returns the settings the engine was made with.
func (e *Engine) Settings() Settings { return e.settings }

// IncrementEpoch does nothing without cgo.
func (e *Engine) IncrementEpoch() {}

// Close does nothing without cgo.
func (e *Engine) Close() {}

// Compile fails: wasmtime needs cgo.
func (e *Engine) Compile(kind Kind, wasm []byte) (*Program, error) { return nil, errNoCgo }

// DeserializeFile fails: wasmtime needs cgo.
func (e *Engine) DeserializeFile(kind Kind, path string) (*Program, error) { return nil, errNoCgo }

// NewSandbox returns a store that can run nothing.
func (e *Engine) NewSandbox() *Sandbox { return &Sandbox{} }

// Program is the binding's compiled program; without cgo none can be made.
type Program struct{ kind Kind }

// Kind reports whether p is a component or a core module.
func (p *Program) Kind() Kind { return p.kind }

// Serialize fails: wasmtime needs cgo.
func (p *Program) Serialize() ([]byte, error) { return nil, errNoCgo }

// Close does nothing without cgo.
func (p *Program) Close() {}

// Sandbox is the binding's wasmtime store; without cgo it runs nothing.
type Sandbox struct{}

// SetLimits does nothing without cgo.
func (s *Sandbox) SetLimits(l Limits) {}

// SetInterrupt does nothing without cgo.
func (s *Sandbox) SetInterrupt(stop func() bool) {}

// SetWASI fails: wasmtime needs cgo.
func (s *Sandbox) SetWASI(w *WASI) error { return errNoCgo }

// Instantiate fails: wasmtime needs cgo.
func (s *Sandbox) Instantiate(p *Program) (*Instance, error) { return nil, errNoCgo }

// Close does nothing without cgo.
func (s *Sandbox) Close() {}

// Instance is the binding's instantiated command; without cgo none can be
// made.
type Instance struct{}

// Run fails: wasmtime needs cgo.
func (in *Instance) Run() error { return errNoCgo }
