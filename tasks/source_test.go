package tasks

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFailedLoadShowsNoSource runs a task whose program is not WebAssembly:
// it fails before any code is compiled or loaded, so its summary row must
// not claim the code was "compiled" (the zero value of runner.Source once
// meant exactly that).
func TestFailedLoadShowsNoSource(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "prog.wasm"), []byte("#!/bin/sh\necho not wasm\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte("version: 1\ncomponents:\n  p: {path: prog.wasm}\ntasks:\n  t: {component: p}\n"), 0o644)
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	o := runTasks(t, p, Options{})
	if o.status("t") != Failed {
		t.Fatalf("status %v, want failed", o.status("t"))
	}
	var out bytes.Buffer
	o.sum.Print(&out)
	row, _, _ := strings.Cut(strings.SplitN(out.String(), "\n", 3)[1], "\n")
	if fields := strings.Fields(row); fields[len(fields)-1] != "-" {
		t.Errorf("summary row %q: want - as the program's source of a task whose program never loaded", row)
	}
}
