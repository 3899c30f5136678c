// Package capi binds the parts of the wasmtime C API that wasmtasks needs:
// engines, command components (wasi:cli/run) and WASI preview1 modules, stores
// with WASI contexts, limits and epoch interruption.
//
// It is the only cgo in the module. wasmtime-go v39 links libwasmtime.a (which
// contains the component-model C API) but offers no Go API for components, so
// this package declares the C functions itself in capi.h; layout_test.go
// proves those declarations match the real headers.
//
// Every C object has exactly one Go owner with a Close method that is safe to
// call twice. Callbacks from C into Go (guest output, epoch deadlines) reach
// Go values through runtime/cgo.Handle, never through Go pointers kept in C.
package capi

// #cgo CFLAGS: -Wall -Wno-unused-function
// #include "capi.h"
import "C"

import (
	"sync/atomic"
	"unsafe"

	// The blank import links libwasmtime.a and its system libraries.
	_ "github.com/bytecodealliance/wasmtime-go/v39"
)

// cBytes returns a pointer to the first byte of b, or nil when b is empty,
// for passing a Go slice into C for the duration of one call.
func cBytes(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

// takeByteVec copies a C byte vector into Go memory and frees the C copy.
func takeByteVec(v *C.wasm_byte_vec_t) []byte {
	b := C.GoBytes(unsafe.Pointer(v.data), C.int(v.size))
	C.wasm_byte_vec_delete(v)
	return b
}

// cStrings collects C copies of Go strings that live for one call; the
// caller frees them all with freeAll.
type cStrings []*C.char

// liveCStrings counts the C strings made by add and not yet freed, so a test
// can prove that none leak.
var liveCStrings atomic.Int64

func (cs *cStrings) add(s string) *C.char {
	p := C.CString(s)
	*cs = append(*cs, p)
	liveCStrings.Add(1)
	return p
}

// freeAll has a pointer receiver so that "defer cs.freeAll()" frees what was
// added after the defer statement too: a value receiver would be copied
// there, empty.
func (cs *cStrings) freeAll() {
	for _, p := range *cs {
		C.free(unsafe.Pointer(p))
	}
	liveCStrings.Add(-int64(len(*cs)))
	*cs = nil
}

// cArray is an array of C string pointers in C memory, for the C calls that
// take a char** (argv, environment).
//
// Its elements are written as uintptr on purpose: a pointer-typed store into
// memory Go did not allocate still runs the garbage collector's write barrier,
// which reads the element's old value, and memory from malloc can hold a
// stale Go heap address; the collector then stops the process with "found bad
// pointer in Go heap". calloc zeroes the array too, for the C side.
type cArray struct {
	p unsafe.Pointer
	n int
}

func newCArray(n int) cArray {
	return cArray{p: C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(uintptr(0)))), n: n}
}

func (a cArray) set(i int, s *C.char) {
	unsafe.Slice((*uintptr)(a.p), a.n)[i] = uintptr(unsafe.Pointer(s))
}

// first is the array as C takes it.
func (a cArray) first() **C.char { return (**C.char)(a.p) }

func (a cArray) free() { C.free(a.p) }
