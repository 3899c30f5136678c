package capi

// #include "capi.h"
import "C"

import (
	"errors"
	"fmt"
	"sync"
)

// Engine owns a wasmtime engine and the two linkers (WASIp2 for components,
// WASI preview1 for core modules) that every store of the engine shares.
// It is safe for concurrent use; Close must be called once no run uses it.
type Engine struct {
	settings Settings
	mu       sync.RWMutex // write-held by Close; read-held by every use
	engine   *C.wasm_engine_t

	// The linkers, each made when the first program of its kind is
	// instantiated: a process that runs one core module (a warm `exec`)
	// never pays ~0.3 ms for the WASIp2 one.
	compOnce, coreOnce sync.Once
	compLinker         *C.wasmtime_component_linker_t
	coreLinker         *C.wasmtime_linker_t
	compError          error
	coreError          error

	// The linkers of reproducible runs (see [Fixed]), made on first use:
	// most engines never need them.
	fixedOnce  sync.Once
	fixedComp  *C.wasmtime_component_linker_t
	fixedCore  *C.wasmtime_linker_t
	fixedError error
}

// NewEngine creates an engine with the component model enabled. A pooled
// engine takes every instance's memories and tables from slots it reserves
// once (see pool.go); it cannot be made where the process's address space
// is limited (RLIMIT_AS), so callers ask for it only when it is not.
func NewEngine(s Settings, pooled bool) (*Engine, error) {
	cfg := C.wasm_config_new()
	if pooled {
		setPooling(cfg)
	}
	C.wasmtime_config_wasm_component_model_set(cfg, true)
	C.wasmtime_config_epoch_interruption_set(cfg, C.bool(s.EpochInterruption))
	C.wasmtime_config_wasm_threads_set(cfg, C.bool(s.WasmThreads))
	e := &Engine{settings: s, engine: C.wasm_engine_new_with_config(cfg)}
	if e.engine == nil {
		return nil, errors.New("wasmtime: could not create an engine")
	}
	return e, nil
}

// linkers returns the linker for programs of kind (the other is nil):
// the plain one, or with fixed the one of reproducible runs. The caller
// holds e.mu.
func (e *Engine) linkers(kind Kind, fixed bool) (*C.wasmtime_component_linker_t, *C.wasmtime_linker_t, error) {
	switch {
	case fixed:
		comp, core, err := e.fixedLinkers()
		if kind == KindComponent {
			return comp, nil, err
		}
		return nil, core, err
	case kind == KindComponent:
		e.compOnce.Do(func() {
			e.compLinker = C.wasmtime_component_linker_new(e.engine)
			if err := takeError(C.wasmtime_component_linker_add_wasip2(e.compLinker)); err != nil {
				e.compError = err // a typed nil would not be a nil error
			}
		})
		return e.compLinker, nil, e.compError
	}
	e.coreOnce.Do(func() {
		e.coreLinker = C.wasmtime_linker_new(e.engine)
		if err := takeError(C.wasmtime_linker_define_wasi(e.coreLinker)); err != nil {
			e.coreError = err
		}
	})
	return nil, e.coreLinker, e.coreError
}

// fixedLinkers returns the linkers whose WASI wall clock and randomness
// come from the store's [Fixed] state. The caller holds e.mu.
func (e *Engine) fixedLinkers() (*C.wasmtime_component_linker_t, *C.wasmtime_linker_t, error) {
	e.fixedOnce.Do(func() {
		e.fixedComp = C.wasmtime_component_linker_new(e.engine)
		e.fixedCore = C.wasmtime_linker_new(e.engine)
		err := takeError(C.wasmtime_component_linker_add_wasip2(e.fixedComp))
		if err == nil {
			err = takeError(C.wasmtime_linker_define_wasi(e.fixedCore))
		}
		if err != nil {
			e.fixedError = err
			return
		}
		if err := shadowComponent(e.fixedComp); err != nil {
			e.fixedError = fmt.Errorf("reproducible mode: %w", err)
			return
		}
		if err := shadowModule(e.fixedCore); err != nil {
			e.fixedError = fmt.Errorf("reproducible mode: %w", err)
		}
	})
	return e.fixedComp, e.fixedCore, e.fixedError
}

// Settings returns the settings the engine was made with.
func (e *Engine) Settings() Settings { return e.settings }

// IncrementEpoch advances the engine's epoch counter, which every store of
// the engine counts its deadline in.
func (e *Engine) IncrementEpoch() {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.engine != nil {
		C.wasmtime_engine_increment_epoch(e.engine)
	}
}

// use runs f with the engine's C pointer held; it panics after Close, which
// is a bug in the caller.
func (e *Engine) use(f func(*C.wasm_engine_t)) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.engine == nil {
		panic("capi: engine used after Close")
	}
	maybeGC()
	f(e.engine)
}

// Close frees the engine and its linkers. Programs and stores made from it
// must be closed first. Close is safe to call twice.
func (e *Engine) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.compLinker != nil {
		C.wasmtime_component_linker_delete(e.compLinker)
		e.compLinker = nil
	}
	if e.coreLinker != nil {
		C.wasmtime_linker_delete(e.coreLinker)
		e.coreLinker = nil
	}
	if e.fixedComp != nil {
		C.wasmtime_component_linker_delete(e.fixedComp)
		e.fixedComp = nil
	}
	if e.fixedCore != nil {
		C.wasmtime_linker_delete(e.fixedCore)
		e.fixedCore = nil
	}
	if e.engine != nil {
		C.wasm_engine_delete(e.engine)
		e.engine = nil
	}
}
