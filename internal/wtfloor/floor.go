//go:build cgo

// Package wtfloor is the floor that wasmtasks's per-task cost is measured
// against: the wasmtime-go API running a compiled module, a store per run,
// with the same engine settings and nothing around them. The runner's
// benchmarks and the bench harness share it, so both compare with the same
// thing.
package wtfloor

import (
	"os"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

// Runner compiles the preview1 module at path and returns a func that
// instantiates and runs it once with the given arguments; its output is
// discarded.
func Runner(path string, args ...string) (func() error, error) {
	cfg := wasmtime.NewConfig()
	cfg.SetEpochInterruption(true) // the same code as wasmtasks generates
	engine := wasmtime.NewEngineWithConfig(cfg)
	wasm, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	module, err := wasmtime.NewModule(engine, wasm)
	if err != nil {
		return nil, err
	}
	linker := wasmtime.NewLinker(engine)
	if err := linker.DefineWasi(); err != nil {
		return nil, err
	}
	return func() error {
		store := wasmtime.NewStore(engine)
		defer store.Close()
		store.SetEpochDeadline(1 << 40)
		wasi := wasmtime.NewWasiConfig()
		wasi.SetArgv(args)
		store.SetWasi(wasi)
		inst, err := linker.Instantiate(store, module)
		if err != nil {
			return err
		}
		_, err = inst.GetFunc(store, "_start").Call(store)
		return err
	}, nil
}
