package capi

// #include "capi.h"
import "C"

import (
	"fmt"
	"unsafe"
)

// takeError converts and frees a wasmtime_error_t; nil stays nil.
func takeError(p *C.wasmtime_error_t) *Error {
	if p == nil {
		return nil
	}
	defer C.wasmtime_error_delete(p)
	var status C.int
	if C.wasmtime_error_exit_status(p, &status) {
		// An exit is not worth a message: formatting one resolves the
		// native backtrace when RUST_BACKTRACE is set, which costs tens of
		// milliseconds for every program that calls exit(0).
		return &Error{Cause: Exited, Message: fmt.Sprintf("exit status %d", int(status)), Status: int(status)}
	}
	var msg C.wasm_name_t
	C.wasmtime_error_message(p, &msg)
	e := &Error{inWasm: inWasm(p)}
	e.Message, e.Backtrace = parseMessage(string(takeByteVec(&msg)))
	return e
}

// inWasm reports whether the error stopped wasm code that was running: it
// carries a wasm backtrace.
func inWasm(p *C.wasmtime_error_t) bool {
	var frames C.wasm_frame_vec_t
	C.wasmtime_error_wasm_trace(p, &frames)
	defer C.wasm_frame_vec_delete(&frames)
	return frames.size > 0
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
	e := &Error{Cause: Trapped}
	e.Message, e.Backtrace = parseMessage(string(b))
	return e
}

// newCError makes a wasmtime_error_t that C takes ownership of.
func newCError(msg string) *C.wasmtime_error_t {
	cs := C.CString(msg)
	defer C.free(unsafe.Pointer(cs))
	return C.wasmtime_error_new(cs)
}
