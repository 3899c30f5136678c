//go:build cgo

package capi

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"unsafe"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// A stale Go heap address left in C memory must not reach the garbage
// collector when an argv or environment array is filled: with pointer-typed
// stores the write barrier read it and the process died with "found bad
// pointer in Go heap" (seen once in CI, under the race detector).
func TestCArrayIgnoresStaleWords(t *testing.T) {
	stale := freedHeapAddress()
	done := make(chan struct{})
	collecting := make(chan struct{})
	go func() {
		defer close(collecting)
		for {
			select {
			case <-done:
				return
			default:
				runtime.GC()
			}
		}
	}()
	defer func() { close(done); <-collecting }()

	var cs cStrings
	defer cs.freeAll()
	s := cs.add("x")
	const n = 64
	for range 2000 {
		a := newCArray(n)
		words := unsafe.Slice((*uintptr)(a.p), n)
		for i := range words {
			words[i] = stale
		}
		for i := range n {
			a.set(i, s)
		}
		a.free()
	}
}

// freedHeapAddress returns an address inside a Go heap object that the
// collector has since freed: the kind of word that malloc'd memory can still
// hold after cgo copied a Go pointer through it.
func freedHeapAddress() uintptr {
	b := make([]byte, 1<<20) // a large object: a span of its own
	addr := uintptr(unsafe.Pointer(&b[0])) + 3
	runtime.KeepAlive(b)
	b = nil
	runtime.GC()
	runtime.GC()
	return addr
}

// Every C string made for one configuration or instantiation is freed: a
// deferred freeAll on a copy of the list freed none of them.
func TestCStringsFreed(t *testing.T) {
	eng, err := NewEngine(Settings{}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	for _, tc := range []struct {
		kind Kind
		path string
	}{
		{KindModule, testprog.Module(t, "greet")},
		{KindComponent, testprog.Component(t, "greet")},
	} {
		wasm, err := os.ReadFile(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		prog, err := eng.Compile(tc.kind, wasm)
		if err != nil {
			t.Fatal(err)
		}
		stdout := filepath.Join(t.TempDir(), "out")
		before := liveCStrings.Load()
		sb := eng.NewSandbox()
		err = sb.SetWASI(&WASI{
			Args:       []string{"greet", "gopher"},
			Env:        [][2]string{{"A", "1"}, {"B", "2"}},
			StdoutFile: stdout,
			Dirs:       []Preopen{{Host: t.TempDir(), Guest: "/work", ReadOnly: true}},
		})
		if err != nil {
			t.Fatal(err)
		}
		runToExit(t, sb, prog)
		sb.Close()
		prog.Close()
		if got, _ := os.ReadFile(stdout); string(got) != "hello, gopher\n" {
			t.Fatalf("%v: stdout %q", tc.kind, got)
		}
		if live := liveCStrings.Load() - before; live != 0 {
			t.Errorf("%v: %d C strings not freed", tc.kind, live)
		}
	}
}
