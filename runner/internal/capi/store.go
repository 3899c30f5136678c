package capi

// #include "capi.h"
import "C"

import (
	"errors"
	"fmt"
	"runtime/cgo"
	"sync/atomic"
)

// Sandbox is a wasmtime store (wasmtime_store_t), named apart from the
// runner's store of compiled code: it holds the state of one run of one
// program, its WASI context, memory, limits and epoch deadline. In this
// package "store" means wasmtime's. A Sandbox is used by one goroutine at a
// time; Close frees it and the callbacks registered with it.
type Sandbox struct {
	engine    *Engine
	ptr       *C.wasmtime_store_t
	ctx       *C.wasmtime_context_t
	handles   []cgo.Handle
	interrupt *interrupter // nil until SetInterrupt
	host      *hostState   // the store's data, for the fixed host functions
}

// interrupter is what the epoch callback reaches through its handle: the
// question whether to stop, and whether it ever answered yes.
type interrupter struct {
	stop  func() bool
	fired atomic.Bool
}

// NewSandbox creates an empty store on the engine.
func (e *Engine) NewSandbox() *Sandbox {
	s := &Sandbox{engine: e, host: &hostState{}}
	h := newHandle(s.host, &s.handles)
	e.use(func(eng *C.wasm_engine_t) {
		s.ptr = newStore(eng, h)
	})
	s.ctx = C.wasmtime_store_context(s.ptr)
	return s
}

// SetLimits applies l to every memory and table the store creates from
// now on.
func (s *Sandbox) SetLimits(l Limits) {
	orDefault := func(n int64) C.int64_t {
		if n <= 0 {
			return -1
		}
		return C.int64_t(n)
	}
	C.wasmtime_store_limiter(s.live(), orDefault(l.MemoryBytes), orDefault(l.TableElements),
		-1, orDefault(l.Tables), orDefault(l.Memories))
}

// SetInterrupt makes the guest check stop at every engine epoch tick and
// trap once it returns true; the error of that trap has Cause Interrupted. It
// needs an engine with epoch interruption and someone calling
// [Engine.IncrementEpoch].
func (s *Sandbox) SetInterrupt(stop func() bool) {
	s.interrupt = &interrupter{stop: stop}
	setEpochCallback(s.live(), newHandle(s.interrupt, &s.handles))
	C.wasmtime_context_set_epoch_deadline(s.ctxp(), 1)
}

// interrupted reports whether the interrupt trap stopped the guest.
func (s *Sandbox) interrupted() bool {
	return s.interrupt != nil && s.interrupt.fired.Load()
}

// classify marks an error of a call into the guest that the store's
// interrupt caused; an exit stays an exit.
func (s *Sandbox) classify(err *Error) error {
	if err == nil {
		return nil
	}
	if err.Cause != Exited && s.interrupted() {
		err.Cause = Interrupted
	}
	return err
}

// SetWASI gives the store its WASI context. It must be called before
// [Sandbox.Instantiate].
func (s *Sandbox) SetWASI(w *WASI) error {
	if w.Fixed != nil {
		s.host.fixed = newFixedState(w.Fixed)
	}
	c, err := newWasiConfig(w)
	if err != nil {
		return err
	}
	// wasmtime_context_set_wasi takes ownership of c, even on failure.
	if err := takeError(C.wasmtime_context_set_wasi(s.ctxp(), c)); err != nil {
		return err
	}
	return nil
}

func (s *Sandbox) live() *C.wasmtime_store_t {
	if s.ptr == nil {
		panic("capi: store used after Close")
	}
	maybeGC()
	return s.ptr
}

func (s *Sandbox) ctxp() *C.wasmtime_context_t {
	s.live()
	return s.ctx
}

// Close frees the store and the Go values its callbacks reached. It is safe
// to call twice.
func (s *Sandbox) Close() {
	if s.ptr != nil {
		C.wasmtime_store_delete(s.ptr)
		s.ptr, s.ctx = nil, nil
	}
	for _, h := range s.handles {
		h.Delete()
	}
	s.handles = nil
}

// Instance is an instantiated command, ready to run once.
type Instance struct {
	store    *Sandbox
	kind     Kind
	compFunc C.wasmtime_component_func_t
	coreFunc C.wasmtime_func_t
}

// errNoCommand ends the Instantiate errors of programs that are not WASI
// commands.
var errNoCommand = errors.New("not a WASI command (libraries and reactors cannot run as tasks)")

// Instantiate links the program against WASI and finds its command entry
// point: wasi:cli/run@0.2.x's run for a component, _start for a module.
func (s *Sandbox) Instantiate(p *Program) (*Instance, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	s.engine.mu.RLock()
	defer s.engine.mu.RUnlock()
	if s.engine.engine == nil || (p.comp == nil && p.mod == nil) {
		panic("capi: instantiate after Close")
	}
	maybeGC()
	comp, core, err := s.engine.linkers(p.kind, s.host.fixed != nil)
	if err != nil {
		return nil, err
	}
	if p.kind == KindComponent {
		return s.instantiateComponent(comp, p.comp)
	}
	return s.instantiateModule(core, p.mod)
}

func (s *Sandbox) instantiateComponent(l *C.wasmtime_component_linker_t, c *C.wasmtime_component_t) (*Instance, error) {
	var inst C.wasmtime_component_instance_t
	if err := takeError(C.wasmtime_component_linker_instantiate(l, s.ctxp(), c, &inst)); err != nil {
		return nil, s.classify(err)
	}
	in := &Instance{store: s, kind: KindComponent}
	var cs cStrings
	defer cs.freeAll()
	const iface, fn = "wasi:cli/run@0.2.0", "run"
	ifaceIdx := C.wasmtime_component_instance_get_export_index(&inst, s.ctx, nil, cs.add(iface), C.size_t(len(iface)))
	if ifaceIdx == nil {
		return nil, fmt.Errorf("component does not export %s: %w", iface, errNoCommand)
	}
	defer C.wasmtime_component_export_index_delete(ifaceIdx)
	fnIdx := C.wasmtime_component_instance_get_export_index(&inst, s.ctx, ifaceIdx, cs.add(fn), C.size_t(len(fn)))
	if fnIdx == nil {
		return nil, fmt.Errorf("component's %s has no %q function: %w", iface, fn, errNoCommand)
	}
	defer C.wasmtime_component_export_index_delete(fnIdx)
	if !C.wasmtime_component_instance_get_func(&inst, s.ctx, fnIdx, &in.compFunc) {
		return nil, fmt.Errorf("component's %s.%s is not a function: %w", iface, fn, errNoCommand)
	}
	return in, nil
}

func (s *Sandbox) instantiateModule(l *C.wasmtime_linker_t, m *C.wasmtime_module_t) (*Instance, error) {
	var inst C.wasmtime_instance_t
	var trap *C.wasm_trap_t
	err := takeError(C.wasmtime_linker_instantiate(l, s.ctxp(), m, &inst, &trap))
	if err == nil {
		err = takeTrap(trap)
	}
	if err != nil {
		return nil, s.classify(err)
	}
	in := &Instance{store: s, kind: KindModule}
	var cs cStrings
	defer cs.freeAll()
	const start = "_start"
	var ext C.wasmtime_extern_t
	if !C.wasmtime_instance_export_get(s.ctx, &inst, cs.add(start), C.size_t(len(start)), &ext) {
		return nil, fmt.Errorf("module does not export %s: %w", start, errNoCommand)
	}
	if ext.kind != C.WASMTIME_EXTERN_FUNC {
		return nil, fmt.Errorf("module's %s is not a function: %w", start, errNoCommand)
	}
	in.coreFunc = *(*C.wasmtime_func_t)(unsafeUnion(&ext.of))
	return in, nil
}

// Run calls the command's entry point. A guest exit comes back as an
// [*Error] with Cause Exited (status 0 included: the caller decides that it
// means success); a component whose run returned an error has exited with
// status 1.
func (in *Instance) Run() error {
	s := in.store
	if in.kind == KindModule {
		var trap *C.wasm_trap_t
		err := takeError(C.wasmtime_func_call(s.ctxp(), &in.coreFunc, nil, 0, nil, 0, &trap))
		if err == nil {
			err = takeTrap(trap)
		}
		return s.classify(err)
	}
	// The result slot must be zeroed: wasmtime frees what it finds there.
	var result C.wasmtime_component_val_t
	if err := takeError(C.wasmtime_component_func_call(&in.compFunc, s.ctxp(), nil, 0, &result, 1)); err != nil {
		if err.Cause == Failed && err.inWasm {
			err.Cause = Trapped // see Trapped: the best v39's C API tells
		}
		return s.classify(err)
	}
	failed := result.kind != C.WASMTIME_COMPONENT_RESULT || !resultOK(&result)
	C.wasmtime_component_val_delete(&result)
	if err := takeError(C.wasmtime_component_func_post_return(&in.compFunc, s.ctx)); err != nil {
		return err
	}
	if failed {
		return &Error{Cause: Exited, Message: "wasi:cli/run returned an error", Status: 1}
	}
	return nil
}
