package capi

/*
#include "capi.h"

extern ptrdiff_t wtWrite(void *, unsigned char *, size_t);
extern wasmtime_error_t *wtEpoch(wasmtime_context_t *, void *, uint64_t *,
                                 wasmtime_update_deadline_kind_t *);

typedef ptrdiff_t (*wt_write_fn)(void *, const unsigned char *, size_t);

static void wt_set_stdout(wasi_config_t *c, uintptr_t h) {
  wasi_config_set_stdout_custom(c, (wt_write_fn)wtWrite, (void *)h, NULL);
}

static void wt_set_stderr(wasi_config_t *c, uintptr_t h) {
  wasi_config_set_stderr_custom(c, (wt_write_fn)wtWrite, (void *)h, NULL);
}

static void wt_set_epoch_callback(wasmtime_store_t *s, uintptr_t h) {
  wasmtime_store_epoch_deadline_callback(s, wtEpoch, (void *)h, NULL);
}
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

func setStdoutWriter(c *C.wasi_config_t, h cgo.Handle) { C.wt_set_stdout(c, C.uintptr_t(h)) }

func setStderrWriter(c *C.wasi_config_t, h cgo.Handle) { C.wt_set_stderr(c, C.uintptr_t(h)) }

func setEpochCallback(s *C.wasmtime_store_t, h cgo.Handle) {
	C.wt_set_epoch_callback(s, C.uintptr_t(h))
}

// unsafeUnion returns the address of a C union member for reading.
func unsafeUnion[T any](p *T) unsafe.Pointer { return unsafe.Pointer(p) }

// resultOK reads the is_ok flag of a component result value.
func resultOK(v *C.wasmtime_component_val_t) bool {
	return bool((*C.wasmtime_component_valresult_t)(unsafe.Pointer(&v.of)).is_ok)
}
