package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// TestExecRefusesPlantedMount: one exec plants build/out -> ../.. through
// its read-write build folder; the next exec that mounts build/out must be
// refused (exit status 2), not given the folder above the current one.
func TestExecRefusesPlantedMount(t *testing.T) {
	comp := testprog.Component(t, "probe")
	above := t.TempDir()
	proj := filepath.Join(above, "proj")
	os.MkdirAll(filepath.Join(proj, "build", "out"), 0o755)
	if r := wasmtasks(t, proj, "", "exec", "--dir", "build", comp, "symlink", "../..", "/build/out"); r.status != 0 {
		t.Fatalf("planting: %+v", r)
	}
	r := wasmtasks(t, proj, "", "exec", "--dir", "build/out", comp, "write", "/build/out/escaped.txt", "pwned")
	if _, err := os.Stat(filepath.Join(above, "escaped.txt")); err == nil {
		t.Fatalf("exec wrote outside the current folder through the planted symlink")
	}
	if r.status != exitcode.Usage || !strings.Contains(r.stderr, "build/out is a symlink inside") {
		t.Fatalf("got status %d, stderr %q; want %d and the planted symlink named", r.status, r.stderr, exitcode.Usage)
	}
}
