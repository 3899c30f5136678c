package capi

/*
#include "capi.h"

extern wasmtime_error_t *wtEpoch(wasmtime_context_t *, void *, uint64_t *,
                                 wasmtime_update_deadline_kind_t *);

static void wt_set_epoch_callback(wasmtime_store_t *s, uintptr_t h) {
  wasmtime_store_epoch_deadline_callback(s, wtEpoch, (void *)h, NULL);
}
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

func setEpochCallback(s *C.wasmtime_store_t, h cgo.Handle) {
	C.wt_set_epoch_callback(s, C.uintptr_t(h))
}

// unsafeUnion returns the address of a C union member for reading.
func unsafeUnion[T any](p *T) unsafe.Pointer { return unsafe.Pointer(p) }

// resultOK reads the is_ok flag of a component result value.
func resultOK(v *C.wasmtime_component_val_t) bool {
	return bool((*C.wasmtime_component_valresult_t)(unsafe.Pointer(&v.of)).is_ok)
}
