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

// hostOf returns the state behind a store's data handle, nil when the store
// has no reproducible state.
func hostOf(store C.uintptr_t) *fixedState {
	if store == 0 {
		return nil
	}
	return cgo.Handle(uintptr(store)).Value().(*hostState).fixed
}

// wtFixedWallClock answers wasi:clocks/wall-clock.now of a reproducible
// run; a non-zero result means the store has no fixed state.
//
//export wtFixedWallClock
func wtFixedWallClock(store C.uintptr_t, secs *C.uint64_t, nanos *C.uint32_t) C.int {
	st := hostOf(store)
	if st == nil {
		return 1
	}
	*secs, *nanos = C.uint64_t(st.secs), C.uint32_t(st.nanos)
	return 0
}

// wtFixedRandom fills buf[:n] from the run's seeded generator.
//
//export wtFixedRandom
func wtFixedRandom(store C.uintptr_t, buf *C.uint8_t, n C.size_t) C.int {
	st := hostOf(store)
	if st == nil {
		return 1
	}
	if n > 0 {
		_, _ = st.rng.Read(unsafe.Slice((*byte)(unsafe.Pointer(buf)), int(n)))
	}
	return 0
}

// wtFixedClockTime answers preview1's clock_time_get with a WASI errno, or
// invalidClock.
//
//export wtFixedClockTime
func wtFixedClockTime(store C.uintptr_t, id C.int32_t, ns *C.uint64_t) C.int {
	st := hostOf(store)
	if st == nil {
		return invalidClock
	}
	t, e := st.clockTime(int32(id))
	*ns = C.uint64_t(t)
	return C.int(e)
}
