// Command wtgo runs a WASI preview1 module with the wasmtime-go v39 Go API,
// keeping compiled code with Module.Serialize and NewModuleDeserializeFile:
// the floor for wasmtasks, which runs on the same wasmtime.
//
//	wtgo [-opt LEVEL] [-unwind=false] [-cranelift NAME=VALUE]… [-stats FILE]
//	     [-cache DIR] [-dir HOST::GUEST]… [-ro-dir HOST::GUEST]… FILE.wasm [ARGS…]
//
// With no compile options it makes the same code as wasmtasks; the options
// let the bench compare compile choices on the same wasmtime.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"time"

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
	if err := opts.apply(cfg); err != nil {
		return 0, err
	}
	engine := wasmtime.NewEngineWithConfig(cfg)
	var st peerflags.Stats
	module, err := load(engine, cacheDir, args[0], &st)
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
	start := time.Now()
	_, err = instance.GetFunc(store, "_start").Call(store)
	st.Run = time.Since(start)
	if werr := opts.write(st); werr != nil {
		return 0, werr
	}
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

// load compiles the module, or loads it from cacheDir where it was kept,
// noting the compile's time and the artifact's size in st.
func load(engine *wasmtime.Engine, cacheDir, path string, st *peerflags.Stats) (*wasmtime.Module, error) {
	wasm, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if cacheDir == "" {
		return compile(engine, wasm, st)
	}
	sum := sha256.Sum256(wasm)
	file := filepath.Join(cacheDir, hex.EncodeToString(sum[:])+"-"+opts.key()+".cwasm")
	if m, err := wasmtime.NewModuleDeserializeFile(engine, file); err == nil {
		return m, nil
	}
	m, err := compile(engine, wasm, st)
	if err != nil {
		return nil, err
	}
	code, err := m.Serialize()
	st.ArtifactBytes = len(code)
	if err == nil {
		os.MkdirAll(cacheDir, 0o700)
		os.WriteFile(file, code, 0o600)
	}
	return m, nil
}

// compile compiles wasm and notes the time it took.
func compile(engine *wasmtime.Engine, wasm []byte, st *peerflags.Stats) (*wasmtime.Module, error) {
	start := time.Now()
	m, err := wasmtime.NewModule(engine, wasm)
	st.Compile = time.Since(start)
	return m, err
}
