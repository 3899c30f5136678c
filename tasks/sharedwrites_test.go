package tasks

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// TestSharedWriters lists the tasks that write where another task writes:
// two tasks of one component that mounts a folder read-write, a folder
// inside another's, and an output file inside a read-write folder; not a
// neighbour whose name merely starts the same ("out-b" next to "out"),
// nor a task alone with its folders, nor read-only mounts.
func TestSharedWriters(t *testing.T) {
	dir := t.TempDir()
	yaml := `version: 1
components:
  gen: {path: ` + testprog.MustModule("greet") + `, dirs: [{host: gen-out, guest: /out}]}
  probe: {path: ` + testprog.MustModule("greet") + `}
tasks:
  gen1: {component: gen}
  gen2: {component: gen}
  out: {component: probe, dirs: [{host: out, guest: /o}]}
  outb: {component: probe, dirs: [{host: out-b, guest: /o}, {host: out, guest: /r, readonly: true}]}
  deep: {component: probe, dirs: [{host: out/a/b, guest: /o}]}
  logs: {component: probe, stdout: {file: logs/run.txt}}
  tree: {component: probe, dirs: [{host: logs, guest: /o}]}
  alone: {component: probe, dirs: [{host: alone, guest: /o}, {host: alone/sub, guest: /s}], stdout: {file: alone/x.txt}}
`
	if err := os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	got := sharedWriters(p)
	want := map[string]bool{"gen1": true, "gen2": true, "out": true, "deep": true, "logs": true, "tree": true}
	for _, task := range p.File.Tasks {
		if got[task.Name] != want[task.Name] {
			t.Errorf("task %s: shared writer %v, want %v", task.Name, got[task.Name], want[task.Name])
		}
	}
}
