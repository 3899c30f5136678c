// Command wz runs a WASI preview1 module with wazero's compiler engine and
// its compilation cache: the runtime a Go team picks when it wants no cgo.
//
//	wz [-cache DIR] [-dir HOST::GUEST]… [-ro-dir HOST::GUEST]… FILE.wasm [ARGS…]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"
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
		fmt.Fprintln(os.Stderr, "wz:", err)
		os.Exit(2)
	}
	os.Exit(code)
}

func run(cacheDir string, rw, ro dirs, args []string) (int, error) {
	ctx := context.Background()
	cfg := wazero.NewRuntimeConfigCompiler()
	if cacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(cacheDir)
		if err != nil {
			return 0, err
		}
		cfg = cfg.WithCompilationCache(cache)
	}
	rt := wazero.NewRuntimeWithConfig(ctx, cfg)
	defer rt.Close(ctx)
	wasi_snapshot_preview1.MustInstantiate(ctx, rt)
	wasm, err := os.ReadFile(args[0])
	if err != nil {
		return 0, err
	}
	compiled, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		return 0, err
	}
	fsc := wazero.NewFSConfig()
	for _, spec := range rw {
		host, guest, _ := strings.Cut(spec, "::")
		fsc = fsc.WithDirMount(host, guest)
	}
	for _, spec := range ro {
		host, guest, _ := strings.Cut(spec, "::")
		fsc = fsc.WithReadOnlyDirMount(host, guest)
	}
	mc := wazero.NewModuleConfig().WithArgs(append([]string{filepath.Base(args[0])}, args[1:]...)...).
		WithStdout(os.Stdout).WithStderr(os.Stderr).WithFSConfig(fsc)
	_, err = rt.InstantiateModule(ctx, compiled, mc)
	if ee, ok := err.(*sys.ExitError); ok {
		return int(ee.ExitCode()), nil
	}
	return 0, err
}
