package capi

/*
#include "capi.h"
#define WT_VERSION WT_WASMTIME_VERSION
#include "layout.h"
*/
import "C"

import "unsafe"

// declaredLayout is the text of layout.h computed against capi.h, which
// layout_test.go compares with the same text computed against the real
// wasmtime headers.
func declaredLayout() string {
	buf := make([]byte, 16384)
	n := C.wt_layout((*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)))
	return string(buf[:n])
}
