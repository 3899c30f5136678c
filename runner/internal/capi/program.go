package capi

// #include "capi.h"
import "C"

import (
	"errors"
	"runtime"
	"sync"
	"unsafe"
)

// Program is a compiled component or core module. It is immutable and safe
// for concurrent use by many stores; its owner calls Close when no store
// needs it any more (stores keep their own reference inside wasmtime, so
// closing a program that a running store uses is safe).
type Program struct {
	kind    Kind
	mu      sync.RWMutex
	comp    *C.wasmtime_component_t
	mod     *C.wasmtime_module_t
	cleanup runtime.Cleanup // frees the C object if Close is never called
}

// Compile compiles wasm bytes of the given kind.
func (e *Engine) Compile(kind Kind, wasm []byte) (*Program, error) {
	p := &Program{kind: kind}
	var err *Error
	e.use(func(eng *C.wasm_engine_t) {
		switch kind {
		case KindComponent:
			err = takeError(C.wasmtime_component_new(eng, cBytes(wasm), C.size_t(len(wasm)), &p.comp))
		case KindModule:
			err = takeError(C.wasmtime_module_new(eng, cBytes(wasm), C.size_t(len(wasm)), &p.mod))
		}
	})
	runtime.KeepAlive(wasm)
	return p.check(err)
}

// DeserializeFile loads a program that [Program.Serialize] wrote, mapping the
// file into memory. The bytes must come from an engine with the same settings
// and wasmtime version: wasmtime checks that, but it trusts the contents, so
// the caller must have verified the file's integrity first.
func (e *Engine) DeserializeFile(kind Kind, path string) (*Program, error) {
	p := &Program{kind: kind}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var err *Error
	e.use(func(eng *C.wasm_engine_t) {
		switch kind {
		case KindComponent:
			err = takeError(C.wasmtime_component_deserialize_file(eng, cpath, &p.comp))
		case KindModule:
			err = takeError(C.wasmtime_module_deserialize_file(eng, cpath, &p.mod))
		}
	})
	return p.check(err)
}

func (p *Program) check(err *Error) (*Program, error) {
	if err != nil {
		return nil, err
	}
	if p.comp == nil && p.mod == nil {
		return nil, errors.New("wasmtime: unknown program kind")
	}
	p.cleanup = runtime.AddCleanup(p, freeProgram, [2]unsafe.Pointer{unsafe.Pointer(p.comp), unsafe.Pointer(p.mod)})
	return p, nil
}

// Kind reports whether p is a component or a core module.
func (p *Program) Kind() Kind { return p.kind }

// Serialize returns the compiled code in wasmtime's artifact format.
func (p *Program) Serialize() ([]byte, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	maybeGC()
	var vec C.wasm_byte_vec_t
	var err *Error
	switch {
	case p.comp != nil:
		err = takeError(C.wasmtime_component_serialize(p.comp, &vec))
	case p.mod != nil:
		err = takeError(C.wasmtime_module_serialize(p.mod, &vec))
	default:
		panic("capi: program used after Close")
	}
	if err != nil {
		return nil, err
	}
	return takeByteVec(&vec), nil
}

// Close frees the program. It is safe to call twice.
func (p *Program) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cleanup.Stop()
	freeProgram([2]unsafe.Pointer{unsafe.Pointer(p.comp), unsafe.Pointer(p.mod)})
	p.comp, p.mod = nil, nil
}

// freeProgram frees whichever of a component and a module is set.
func freeProgram(ptrs [2]unsafe.Pointer) {
	if ptrs[0] != nil {
		C.wasmtime_component_delete((*C.wasmtime_component_t)(ptrs[0]))
	}
	if ptrs[1] != nil {
		C.wasmtime_module_delete((*C.wasmtime_module_t)(ptrs[1]))
	}
}
