// Command wtgo runs a WASI preview1 module with the wasmtime-go v39 Go API,
// keeping compiled code with Module.Serialize and NewModuleDeserializeFile:
// the floor for wasmtasks, which runs on the same wasmtime.
//
//	wtgo [-cache DIR] [-dir HOST::GUEST]… [-ro-dir HOST::GUEST]… FILE.wasm [ARGS…]
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bytecodealliance/wasmtime-go/v39"
)

type dirs []string

func (d *dirs) String() string     { return strings.Join(*d, ",") }
func (d *dirs) Set(v string) error { *d = append(*d, v); return nil }

func main() {
	cacheDir := flag.String("cache", "", "keep compiled code in DIR")
	var rw, ro dirs
	flag.Var(&rw, "dir", "HOST::GUEST, read-write")
	flag.Var(&ro, "ro-dir", "HOST::GUEST, read-only")
	flag.Parse()
	code, err := run(*cacheDir, rw, ro, flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "wtgo:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

func run(cacheDir string, rw, ro dirs, args []string) (int, error) {
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
	for _, list := range []struct {
		d        dirs
		readOnly bool
	}{{rw, false}, {ro, true}} {
		for _, spec := range list.d {
			host, guest, _ := strings.Cut(spec, "::")
			perms := wasmtime.DIR_READ | wasmtime.DIR_WRITE
			fperms := wasmtime.FILE_READ | wasmtime.FILE_WRITE
			if list.readOnly {
				perms, fperms = wasmtime.DIR_READ, wasmtime.FILE_READ
			}
			if err := wasi.PreopenDir(host, guest, perms, fperms); err != nil {
				return 0, err
			}
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
