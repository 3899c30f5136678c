package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
)

// TestBuiltWithoutCgo builds the command with CGO_ENABLED=0, which compiles
// the stub of the wasmtime binding, and checks that the binary says why it
// cannot run a program and exits 2, while what needs no wasmtime still works.
func TestBuiltWithoutCgo(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "wasmtasks-nocgo")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	prog := filepath.Join(dir, "any.wasm")
	os.WriteFile(prog, []byte("\x00asm\x01\x00\x00\x00"), 0o644)

	cmd := exec.Command(bin, "exec", prog)
	out, err := cmd.CombinedOutput()
	if status := cmd.ProcessState.ExitCode(); status != exitcode.Usage {
		t.Errorf("exec exited %d (%v), want %d; output:\n%s", status, err, exitcode.Usage, out)
	}
	const want = "wasmtasks was built without cgo; wasmtime needs cgo"
	if !strings.Contains(string(out), want) {
		t.Errorf("exec's output lacks %q:\n%s", want, out)
	}

	cmd = exec.Command(bin, "--version")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "wasmtime 39.") {
		t.Errorf("--version: %v\n%s", err, out)
	}
}
