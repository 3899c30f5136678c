//go:build unix

package tasks

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/safefs"
)

// TestNotRegularIsOneError names a named pipe as a task's program and as
// its stdin: both are refused as not regular files, and both errors match
// the one sentinel, however deep in the runner each was found.
func TestNotRegularIsOneError(t *testing.T) {
	_, dir := project(t, `version: 1`)
	for _, name := range []string{"prog.wasm", "in.fifo"} {
		if err := syscall.Mkfifo(filepath.Join(dir, name), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	writeProject(t, dir, `
version: 1
components:
  fifo: {path: prog.wasm}
  probe: {path: PROBE}
tasks:
  program: {component: fifo}
  stdin: {component: probe, args: [cat], stdin: {file: in.fifo}}
`)
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	o := runTasks(t, p, Options{KeepGoing: true})
	for _, task := range []string{"program", "stdin"} {
		if err := o.taskErr(task); !errors.Is(err, safefs.ErrNotRegular) {
			t.Errorf("%s: got %v, want an error matching safefs.ErrNotRegular", task, err)
		}
	}
}
