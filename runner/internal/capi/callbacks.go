package capi

// This file holds the functions C calls back into. A file with //export may
// only declare things in its preamble, so the C glue that takes their
// addresses lives in glue.go.

// #include "capi.h"
import "C"

import (
	"io"
	"runtime/cgo"
	"syscall"
	"unsafe"
)

// wtWrite receives a guest's stdout or stderr bytes; data is the cgo.Handle
// of an io.Writer. A negative result is an OS error code for the guest.
//
//export wtWrite
func wtWrite(data unsafe.Pointer, buf *C.uchar, n C.size_t) C.ptrdiff_t {
	w := cgo.Handle(uintptr(data)).Value().(io.Writer)
	written, err := w.Write(unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(n)))
	if err != nil && written < int(n) {
		return -C.ptrdiff_t(syscall.EIO)
	}
	return C.ptrdiff_t(n)
}

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
