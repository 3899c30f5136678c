// Package testprog builds the WebAssembly programs that the tests run, from
// the C sources in src/, with Debian's clang and wasi-libc, and wraps them
// into wasi:cli command components with the preview1 adapter of the pinned
// npm package @bytecodealliance/jco. Each program is built once per source
// and toolchain, cached by that hash, so repeated test runs start at once.
package testprog

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
)

// clangFlags are part of the cache key: changing them rebuilds everything.
var clangFlags = []string{"--target=wasm32-wasi", "-O2", "-Wall", "-Werror"}

// Module returns the path of src/NAME.c built as a WASI preview1 command
// module. A missing toolchain fails the test with the command that installs it.
func Module(tb testing.TB, name string) string {
	tb.Helper()
	p, err := build(name, "core")
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// Component returns the path of src/NAME.c built as a wasi:cli command
// component.
func Component(tb testing.TB, name string) string {
	tb.Helper()
	p, err := build(name, "component")
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// Reactor returns src/NAME.c built as a WASI reactor, a module with no
// _start (kind "core") or a component with no wasi:cli/run ("component").
func Reactor(tb testing.TB, name, kind string) string {
	tb.Helper()
	p, err := build(name, "reactor-"+kind)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// GoModule returns the Go program in src/NAME built with GOOS=wasip1 as a
// preview1 module.
func GoModule(tb testing.TB, name string) string {
	tb.Helper()
	p, err := buildGo(name, false)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// GoComponent returns the Go program in src/NAME as a wasi:cli component.
// Keep such programs tiny: a Go program wrapped with the preview1 adapter
// crashes once its heap grows.
func GoComponent(tb testing.TB, name string) string {
	tb.Helper()
	p, err := buildGo(name, true)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func buildGo(name string, component bool) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	src := filepath.Join(Root(), "internal", "testprog", "src", name, "main.go")
	source, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	dir, err := cacheDir()
	if err != nil {
		return "", err
	}
	variant := "go-core"
	if component {
		variant = "go-component"
	}
	key := hashOf(source, []string{runtime.Version()}, jcoVersion())
	out := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.wasm", name, variant, key[:16]))
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	tmp := filepath.Join(dir, fmt.Sprintf(".%s-%s-%d", name, variant, os.Getpid()))
	defer os.Remove(tmp + ".core.wasm")
	defer os.Remove(tmp + ".wasm")
	core := tmp + ".core.wasm"
	build := exec.Command("go", "build", "-trimpath", "-o", core, ".")
	build.Dir = filepath.Dir(src)
	build.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if err := run(build); err != nil {
		return "", err
	}
	final := core
	if component {
		if err := checkTools(); err != nil {
			return "", err
		}
		final = tmp + ".wasm"
		if err := run(exec.Command(jcoPath(), "new", core, "--wasi-command", "-o", final)); err != nil {
			return "", err
		}
	}
	return out, os.Rename(final, out)
}

// Root is the repository's root folder, found from this file's location.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

var mu sync.Mutex // builds in one process run one at a time

func build(name, variant string) (string, error) {
	mu.Lock()
	defer mu.Unlock()
	src := filepath.Join(Root(), "internal", "testprog", "src", name+".c")
	source, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	dir, err := cacheDir()
	if err != nil {
		return "", err
	}
	key := hashOf(source, clangFlags, jcoVersion())
	out := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.wasm", name, variant, key[:16]))
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	if err := checkTools(); err != nil {
		return "", err
	}
	tmp := filepath.Join(dir, fmt.Sprintf(".%s-%s-%d", name, variant, os.Getpid()))
	defer os.Remove(tmp + ".core.wasm")
	defer os.Remove(tmp + ".wasm")
	core := tmp + ".core.wasm"
	args := append([]string{}, clangFlags...)
	adapter := "--wasi-command"
	if variant == "reactor-core" || variant == "reactor-component" {
		args = append(args, "-mexec-model=reactor")
		adapter = "--wasi-reactor"
	}
	if err := run(exec.Command("clang", append(args, "-o", core, src)...)); err != nil {
		return "", err
	}
	final := core
	if variant == "component" || variant == "reactor-component" {
		final = tmp + ".wasm"
		if err := run(exec.Command(jcoPath(), "new", core, adapter, "-o", final)); err != nil {
			return "", err
		}
	}
	// Rename is atomic: a concurrent test process sees the whole file or none.
	return out, os.Rename(final, out)
}

func hashOf(source []byte, flags []string, jco string) string {
	h := sha256.New()
	h.Write(source)
	fmt.Fprint(h, flags, jco)
	return hex.EncodeToString(h.Sum(nil))
}

func cacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "wasmtasks-testprog")
	return dir, os.MkdirAll(dir, 0o755)
}

func run(cmd *exec.Cmd) error {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("testprog: %s: %v\n%s", cmd.String(), err, out.String())
	}
	return nil
}

const debianPackages = "clang lld wasi-libc libclang-rt-dev-wasm32"

// checkTools makes sure clang can target WASI and jco is installed; it runs
// `npm ci` in the repository when node_modules is missing.
func checkTools() error {
	if _, err := exec.LookPath("clang"); err != nil {
		return fmt.Errorf("testprog: clang not found; install the C toolchain for WASI: apt-get install -y %s", debianPackages)
	}
	if _, err := os.Stat("/usr/include/wasm32-wasi/stdio.h"); err != nil {
		return fmt.Errorf("testprog: wasi-libc not found; install it: apt-get install -y %s", debianPackages)
	}
	if _, err := os.Stat(jcoPath()); err == nil {
		return nil
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return errors.New("testprog: npm not found; install Node.js and npm to build test components")
	}
	return npmCI()
}

// npmCI installs the pinned npm packages, holding a lock so that test
// binaries of several packages do not install at the same time.
func npmCI() error {
	lock, err := os.OpenFile(filepath.Join(Root(), ".npm-install.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	if _, err := os.Stat(jcoPath()); err == nil {
		return nil // another process installed it while we waited
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = Root()
	return run(cmd)
}

func jcoPath() string {
	return filepath.Join(Root(), "node_modules", ".bin", "jco")
}

// jcoVersion reads the installed jco version for the cache key; the lock
// file pins it, so this changes only when the pin does.
func jcoVersion() string {
	b, _ := os.ReadFile(filepath.Join(Root(), "package-lock.json"))
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
