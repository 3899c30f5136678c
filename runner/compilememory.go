package runner

import (
	"fmt"
	"os"
)

// What a compile takes, measured with wasmtime v39 on the real tools
// (peak resident memory of the whole process): Yosys, a 30.8 MB module,
// 0.96 GiB; yq, 28 MB, 0.85 GB; gofumpt, 5.8 MB, 0.2 GB; that is 30–35
// bytes per byte of wasm. Compiling a program of some 100 KB still takes
// 15 MiB.
const (
	compileBytesPerByte = 36
	compileMemoryFloor  = 32 << 20
	maxCompileMemory    = 1 << 50
)

// CompileMemory estimates the peak memory that compiling a program of size
// bytes takes, so that a caller can keep parallel compiles within the
// machine's memory: [compileBytesPerByte] per byte, at least
// [compileMemoryFloor].
func CompileMemory(size int64) int64 {
	if size <= 0 {
		return compileMemoryFloor
	}
	if size > maxCompileMemory/compileBytesPerByte {
		return maxCompileMemory // no sum of a few overflows
	}
	return max(compileMemoryFloor, size*compileBytesPerByte)
}

// CompileNeed returns the memory a compile of the program at path would
// take ([CompileMemory] of its size), or 0 when running it needs no compile
// by this engine: its code is in memory, being compiled, or in the store.
// A caller reserves that much of a memory budget before it runs or
// prepares the program. The store may still lose an entry to another
// process's prune before the run loads it.
func (e *Engine) CompileNeed(path string) (int64, error) {
	ready, err := e.ready(path)
	if err != nil {
		return 0, fmt.Errorf("runner: %w", err)
	}
	if ready {
		return 0, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return 0, fmt.Errorf("runner: %w", err)
	}
	return CompileMemory(fi.Size()), nil
}
