// Package wasmbuild turns sources into WASI programs: C through Debian's
// clang and wasi-libc into preview1 modules, Go with GOOS=wasip1 into
// preview1 modules, and modules into wasi:cli components with the preview1
// adapter of the pinned npm package @bytecodealliance/jco. The example
// builder and the test programs share it.
package wasmbuild

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/wasmtasks/wasmtasks/internal/filelock"
)

// CFlags are the flags every C program is compiled with.
var CFlags = []string{"--target=wasm32-wasi", "-O2", "-Wall", "-Werror"}

// DebianPackages provide clang's WASI target.
const DebianPackages = "clang lld wasi-libc libclang-rt-dev-wasm32"

//go:embed csrc/cabi_realloc.c
var cabiRealloc []byte

//go:embed csrc/start.c
var start []byte

// C compiles one C file into a preview1 module at out; a reactor has no
// main and exports no _start. Every program gets a cabi_realloc export (see
// csrc/cabi_realloc.c), without which a component made from it corrupts its
// heap, and every command gets the _start of csrc/start.c instead of
// wasi-libc's, without which the adapter's calls to cabi_realloc run the
// program's destructors (and lose its first line of output).
func C(src, out string, reactor bool) error {
	if err := checkC(); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "wasmbuild-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	files := []csource{{"cabi_realloc.c", cabiRealloc}}
	args := append([]string{}, CFlags...)
	if reactor {
		args = append(args, "-mexec-model=reactor")
	} else {
		args = append(args, "-nostartfiles")
		files = append(files, csource{"start.c", start})
	}
	args = append(args, "-o", out, src)
	for _, f := range files {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, f.text, 0o644); err != nil {
			return err
		}
		args = append(args, path)
	}
	return run(exec.Command("clang", args...))
}

// Go builds the Go main package in dir into a preview1 module at out.
func Go(dir, out string) error {
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	cmd := exec.Command("go", "build", "-trimpath", "-o", abs, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	return run(cmd)
}

// Component wraps the preview1 module core into a wasi:cli component at
// out, with the command adapter (or the reactor adapter). root is the
// repository, whose node_modules holds jco; it is installed when missing.
func Component(root, core, out string, reactor bool) error {
	if err := EnsureJCO(root); err != nil {
		return err
	}
	adapter := "--wasi-command"
	if reactor {
		adapter = "--wasi-reactor"
	}
	return run(exec.Command(jcoPath(root), "new", core, adapter, "-o", out))
}

// WAT turns WebAssembly text (a core module or a component) at src into a
// binary at out with the pinned jco's parser, for test programs that C
// cannot express: start sections, tables, many memories.
func WAT(root, src, out string) error {
	if err := EnsureJCO(root); err != nil {
		return err
	}
	return run(exec.Command(jcoPath(root), "parse", src, "-o", out))
}

// csource is a C file that wasmbuild links into programs.
type csource struct {
	name string
	text []byte
}

// JS makes a wasi:cli command component at out from the JavaScript
// program dir/app.js and its world dir/world.wit, with componentize-js
// through the pinned jco. It takes tens of seconds and makes about 11 MB.
func JS(root, dir, out string) error {
	if err := EnsureJCO(root); err != nil {
		return err
	}
	return run(exec.Command(jcoPath(root), "componentize", filepath.Join(dir, "app.js"),
		"--wit", filepath.Join(dir, "world.wit"), "-o", out))
}

func checkC() error {
	if _, err := exec.LookPath("clang"); err != nil {
		return fmt.Errorf("clang not found; install the C toolchain for WASI: apt-get install -y %s", DebianPackages)
	}
	if _, err := os.Stat("/usr/include/wasm32-wasi/stdio.h"); err != nil {
		return fmt.Errorf("wasi-libc not found; install it: apt-get install -y %s", DebianPackages)
	}
	return nil
}

func jcoPath(root string) string { return filepath.Join(root, "node_modules", ".bin", "jco") }

// EnsureJCO runs `npm ci` in root when jco is not installed or the lock
// file changed since, holding a lock so that several processes (test
// binaries of several packages) do not install at the same time.
func EnsureJCO(root string) error {
	return EnsureNPM(root, jcoPath(root))
}

// EnsureNPM runs `npm ci` in dir unless its node_modules already holds
// what dir's package-lock.json pins and the file marker (an absolute path
// the install makes) exists. A lock file beside package-lock.json keeps
// two processes from installing at once.
func EnsureNPM(dir, marker string) error {
	if npmCurrent(dir, marker) {
		return nil
	}
	if _, err := exec.LookPath("npm"); err != nil {
		return errors.New("npm not found; install Node.js 20 or later with npm to build components")
	}
	unlock, err := filelock.Lock(filepath.Join(dir, ".npm-install.lock"))
	if err != nil {
		return err
	}
	defer unlock()
	if npmCurrent(dir, marker) {
		return nil // another process installed it while we waited
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	return run(cmd)
}

// npmCurrent reports whether node_modules holds what package-lock.json pins.
func npmCurrent(dir, marker string) bool {
	lock, err1 := os.Stat(filepath.Join(dir, "package-lock.json"))
	installed, err2 := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json"))
	_, err3 := os.Stat(marker)
	return err1 == nil && err2 == nil && err3 == nil && !installed.ModTime().Before(lock.ModTime())
}

// ToolsDigest identifies the tool versions that shape a build: the C flags
// and the npm lock file (which pins jco and its adapter).
func ToolsDigest(root string) string {
	lock, _ := os.ReadFile(filepath.Join(root, "package-lock.json"))
	h := sha256.New()
	fmt.Fprintln(h, CFlags)
	h.Write(cabiRealloc)
	h.Write(start)
	h.Write(lock)
	return hex.EncodeToString(h.Sum(nil))
}

func run(cmd *exec.Cmd) error {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v\n%s", cmd.String(), err, out.String())
	}
	return nil
}
