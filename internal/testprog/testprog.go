// Package testprog builds the WebAssembly programs that the tests run, from
// the sources in src/: C files as preview1 modules or wasi:cli components,
// Go packages as preview1 modules (or tiny components). Each program is
// built once per source and toolchain, cached by that hash in the user
// cache folder, so repeated test runs start at once.
package testprog

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/wasmbuild"
)

// Module returns the path of src/NAME.c built as a WASI preview1 command
// module. A missing toolchain fails the test with the command that installs
// it.
func Module(tb testing.TB, name string) string {
	return get(tb, name+".c", "core")
}

// MustModule is [Module] for Example functions, which have no testing.TB:
// it panics when the program cannot be built.
func MustModule(name string) string {
	mu.Lock()
	defer mu.Unlock()
	p, err := build(name+".c", "core")
	if err != nil {
		panic(fmt.Sprintf("testprog: %v", err))
	}
	return p
}

// Component returns the path of src/NAME.c built as a wasi:cli command
// component.
func Component(tb testing.TB, name string) string {
	return get(tb, name+".c", "component")
}

// Reactor returns src/NAME.c built as a WASI reactor, a module with no
// _start (kind "core") or a component with no wasi:cli/run ("component").
func Reactor(tb testing.TB, name, kind string) string {
	return get(tb, name+".c", "reactor-"+kind)
}

// GoModule returns the Go program in src/NAME built with GOOS=wasip1 as a
// preview1 module.
func GoModule(tb testing.TB, name string) string {
	return get(tb, name, "go-core")
}

// GoComponent returns the Go program in src/NAME as a wasi:cli component.
// Keep such programs tiny: a Go program wrapped with the preview1 adapter
// crashes once its heap grows.
func GoComponent(tb testing.TB, name string) string {
	return get(tb, name, "go-component")
}

// JS returns the JavaScript program in src/NAME (app.js and world.wit)
// made into a component by componentize-js. The first build takes about a
// minute; later ones come from the cache.
func JS(tb testing.TB, name string) string {
	return get(tb, name, "js")
}

// WAT returns src/NAME.wat (a core module or a component in WebAssembly
// text) as a binary.
func WAT(tb testing.TB, name string) string {
	tb.Helper()
	text, err := os.ReadFile(filepath.Join(Root(), "internal", "testprog", "src", name+".wat"))
	if err != nil {
		tb.Fatalf("testprog: %v", err)
	}
	return WATText(tb, name, string(text))
}

// WATText returns the WebAssembly text built as a binary named after name,
// for programs a test generates (a module with a hundred memories).
func WATText(tb testing.TB, name, text string) string {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	p, err := buildWAT(name, text)
	if err != nil {
		tb.Fatalf("testprog: %v", err)
	}
	return p
}

func buildWAT(name, text string) (string, error) {
	h := sha256.New()
	fmt.Fprint(h, text, "wat", wasmbuild.ToolsDigest(Root()))
	key := hex.EncodeToString(h.Sum(nil))
	dir, err := cacheDir()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, fmt.Sprintf("%s-wat-%s.wasm", name, key[:16]))
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	tmp := filepath.Join(dir, fmt.Sprintf(".%s-wat-%d", name, os.Getpid()))
	src, bin := tmp+".wat", tmp+".wasm"
	defer os.Remove(src)
	defer os.Remove(bin)
	if err := os.WriteFile(src, []byte(text), 0o644); err != nil {
		return "", err
	}
	if err := wasmbuild.WAT(Root(), src, bin); err != nil {
		return "", err
	}
	return out, os.Rename(bin, out)
}

// Root is the repository's root folder, found from this file's location.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

var mu sync.Mutex // builds in one process run one at a time

func get(tb testing.TB, name, variant string) string {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	p, err := build(name, variant)
	if err != nil {
		tb.Fatalf("testprog: %v", err)
	}
	return p
}

func build(name, variant string) (string, error) {
	src := filepath.Join(Root(), "internal", "testprog", "src", name)
	key, err := sourceKey(src, variant)
	if err != nil {
		return "", err
	}
	dir, err := cacheDir()
	if err != nil {
		return "", err
	}
	base := filepath.Base(name[:len(name)-len(filepath.Ext(name))])
	out := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.wasm", base, variant, key[:16]))
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	tmp := filepath.Join(dir, fmt.Sprintf(".%s-%s-%d", base, variant, os.Getpid()))
	core, wrapped := tmp+".core.wasm", tmp+".wasm"
	defer os.Remove(core)
	defer os.Remove(wrapped)
	reactor := variant == "reactor-core" || variant == "reactor-component"
	switch variant {
	case "js":
		if err := wasmbuild.JS(Root(), src, wrapped); err != nil {
			return "", err
		}
		return out, os.Rename(wrapped, out)
	case "go-core", "go-component":
		err = wasmbuild.Go(src, core)
	default:
		err = wasmbuild.C(src, core, reactor)
	}
	if err != nil {
		return "", err
	}
	final := core
	if variant == "component" || variant == "reactor-component" || variant == "go-component" {
		if err := wasmbuild.Component(Root(), core, wrapped, reactor); err != nil {
			return "", err
		}
		final = wrapped
	}
	// Rename is atomic: a concurrent test process sees the whole file or none.
	return out, os.Rename(final, out)
}

// sourceKey hashes the source (a file, a Go package's main.go, or a
// JavaScript program's app.js and world.wit), the variant and the tools.
func sourceKey(src, variant string) (string, error) {
	files := []string{src}
	if fi, err := os.Stat(src); err == nil && fi.IsDir() {
		files = []string{filepath.Join(src, "main.go")}
		if variant == "js" {
			files = []string{filepath.Join(src, "app.js"), filepath.Join(src, "world.wit")}
		}
	}
	h := sha256.New()
	for _, file := range files {
		source, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%d\n", len(source))
		h.Write(source)
	}
	fmt.Fprint(h, variant, wasmbuild.ToolsDigest(Root()), runtime.Version())
	return hex.EncodeToString(h.Sum(nil)), nil
}

func cacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "wasmtasks-testprog")
	return dir, os.MkdirAll(dir, 0o755)
}
