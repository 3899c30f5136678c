// Command wz runs a WASI preview1 module with wazero's compiler engine and
// its compilation cache: the runtime a Go team picks when it wants no cgo.
//
//	wz [-cache DIR] [-dir HOST::GUEST]… [-ro-dir HOST::GUEST]… FILE.wasm [ARGS…]
package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"github.com/wasmtasks/wasmtasks/bench/internal/peerflags"
)

func main() {
	c := peerflags.Parse()
	code, err := run(c)
	peerflags.Exit("wz", code, err)
}

func run(c peerflags.Command) (int, error) {
	cacheDir, args := c.CacheDir, c.Args
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
	for _, d := range c.Dirs {
		if d.ReadOnly {
			fsc = fsc.WithReadOnlyDirMount(d.Host, d.Guest)
		} else {
			fsc = fsc.WithDirMount(d.Host, d.Guest)
		}
	}
	mc := wazero.NewModuleConfig().WithArgs(append([]string{filepath.Base(args[0])}, args[1:]...)...).
		WithStdout(os.Stdout).WithStderr(os.Stderr).WithFSConfig(fsc)
	_, err = rt.InstantiateModule(ctx, compiled, mc)
	if ee, ok := err.(*sys.ExitError); ok {
		return int(ee.ExitCode()), nil
	}
	return 0, err
}
