package capi

// This file holds the function C calls back into. A file with //export may
// only declare things in its preamble, so the C glue that takes their
// addresses lives in glue.go.

// #include "capi.h"
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

// wtEpoch runs on the guest's thread each time its store reaches its epoch
// deadline (every engine tick). data is the cgo.Handle of a func() bool that
// reports whether the run must stop; a non-nil result traps the guest.
//
//export wtEpoch
func wtEpoch(_ *C.wasmtime_context_t, data unsafe.Pointer, delta *C.uint64_t, kind *C.wasmtime_update_deadline_kind_t) *C.wasmtime_error_t {
	if cgo.Handle(uintptr(data)).Value().(func() bool)() {
		return newCError(InterruptedMessage)
	}
	*delta = 1
	*kind = C.WASMTIME_UPDATE_DEADLINE_CONTINUE
	return nil
}

// InterruptedMessage is the message of the trap that stops an interrupted
// guest.
const InterruptedMessage = "wasmtasks: guest interrupted"
