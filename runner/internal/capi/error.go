package capi

// #include "capi.h"
import "C"

import (
	"strings"
	"unsafe"
)

// Error is a wasmtime error or trap converted to Go, once, at the boundary.
type Error struct {
	// Message is wasmtime's text, including the wasm backtrace when there is one.
	Message string
	// Exited reports that the guest called exit (WASI proc_exit or
	// wasi:cli/exit); Status is then its exit status.
	Exited bool
	Status int
	// Trap reports that the guest trapped (unreachable, out-of-bounds access,
	// stack overflow, interruption).
	Trap bool
}

func (e *Error) Error() string { return e.Message }

// takeError converts and frees a wasmtime_error_t; nil stays nil.
func takeError(p *C.wasmtime_error_t) *Error {
	if p == nil {
		return nil
	}
	defer C.wasmtime_error_delete(p)
	var msg C.wasm_name_t
	C.wasmtime_error_message(p, &msg)
	e := &Error{Message: strings.TrimSpace(string(takeByteVec(&msg)))}
	var status C.int
	if C.wasmtime_error_exit_status(p, &status) {
		e.Exited, e.Status = true, int(status)
	}
	return e
}

// takeTrap converts and frees a wasm_trap_t; nil stays nil.
func takeTrap(p *C.wasm_trap_t) *Error {
	if p == nil {
		return nil
	}
	defer C.wasm_trap_delete(p)
	var msg C.wasm_name_t
	C.wasm_trap_message(p, &msg)
	b := takeByteVec(&msg)
	// wasm_trap_message includes the C string's terminating NUL.
	if n := len(b); n > 0 && b[n-1] == 0 {
		b = b[:n-1]
	}
	return &Error{Message: strings.TrimSpace(string(b)), Trap: true}
}

// newCError makes a wasmtime_error_t that C takes ownership of.
func newCError(msg string) *C.wasmtime_error_t {
	cs := C.CString(msg)
	defer C.free(unsafe.Pointer(cs))
	return C.wasmtime_error_new(cs)
}
