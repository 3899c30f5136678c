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
// deadline (every engine tick). data is the cgo.Handle of the store's
// *interrupter; a non-nil result traps the guest.
//
//export wtEpoch
func wtEpoch(_ *C.wasmtime_context_t, data unsafe.Pointer, delta *C.uint64_t, kind *C.wasmtime_update_deadline_kind_t) *C.wasmtime_error_t {
	in := cgo.Handle(uintptr(data)).Value().(*interrupter)
	if in.stop() {
		in.fired.Store(true)
		return newCError(interruptedMessage)
	}
	*delta = 1
	*kind = C.WASMTIME_UPDATE_DEADLINE_CONTINUE
	return nil
}

// interruptedMessage is the message of the error that stops an interrupted
// guest; only the message: the [Error]'s Cause, Interrupted, comes from the
// store's interrupter (see [Sandbox.classify]).
const interruptedMessage = "wasmtasks: guest interrupted"
