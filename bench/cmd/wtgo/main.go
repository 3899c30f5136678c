// Command wtgo runs a WASI preview1 module with the wasmtime-go v39 Go API,
// keeping compiled code with Module.Serialize and NewModuleDeserializeFile:
// the floor for wasmtasks, which runs on the same wasmtime.
//
//	wtgo [-cache DIR] [-dir HOST::GUEST]… [-ro-dir HOST::GUEST]… FILE.wasm [ARGS…]
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"

	"github.com/bytecodealliance/wasmtime-go/v39"

	"github.com/wasmtasks/wasmtasks/bench/internal/peerflags"
)

func main() {
	c := peerflags.Parse()
	code, err := run(c)
	peerflags.Exit("wtgo", code, err)
}

func run(c peerflags.Command) (int, error) {
	cacheDir, args := c.CacheDir, c.Args
	cfg := wasmtime.NewConfig()
	cfg.SetEpochInterruption(true) // the same code as wasmtasks generates
	engine := wasmtime.NewEngineWithConfig(cfg)
	module, err := load(engine, cacheDir, args[0])
	if err != nil {
		return 0, err
	}
	linker := wasmtime.NewLinker(engine)
	if err := linker.DefineWasi(); err != nil {
		return 0, err
	}
	store := wasmtime.NewStore(engine)
	store.SetEpochDeadline(1 << 40)
	wasi := wasmtime.NewWasiConfig()
	wasi.SetArgv(append([]string{filepath.Base(args[0])}, args[1:]...))
	wasi.InheritStdout()
	wasi.InheritStderr()
	for _, d := range c.Dirs {
		perms := wasmtime.DIR_READ | wasmtime.DIR_WRITE
		fperms := wasmtime.FILE_READ | wasmtime.FILE_WRITE
		if d.ReadOnly {
			perms, fperms = wasmtime.DIR_READ, wasmtime.FILE_READ
		}
		if err := wasi.PreopenDir(d.Host, d.Guest, perms, fperms); err != nil {
			return 0, err
		}
	}
	store.SetWasi(wasi)
	instance, err := linker.Instantiate(store, module)
	if err != nil {
		return 0, err
	}
	_, err = instance.GetFunc(store, "_start").Call(store)
	if err != nil {
		if we, ok := err.(*wasmtime.Error); ok {
			if status, ok := we.ExitStatus(); ok {
				return int(status), nil
			}
		}
		return 0, err
	}
	return 0, nil
}

// load compiles the module, or loads it from cacheDir where it was kept.
func load(engine *wasmtime.Engine, cacheDir, path string) (*wasmtime.Module, error) {
	wasm, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if cacheDir == "" {
		return wasmtime.NewModule(engine, wasm)
	}
	sum := sha256.Sum256(wasm)
	file := filepath.Join(cacheDir, hex.EncodeToString(sum[:])+".cwasm")
	if m, err := wasmtime.NewModuleDeserializeFile(engine, file); err == nil {
		return m, nil
	}
	m, err := wasmtime.NewModule(engine, wasm)
	if err != nil {
		return nil, err
	}
	code, err := m.Serialize()
	if err == nil {
		os.MkdirAll(cacheDir, 0o700)
		os.WriteFile(file, code, 0o600)
	}
	return m, nil
}
