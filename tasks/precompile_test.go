package tasks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
)

// TestProgramsCompileAheadOfTheirTasks runs a chain of three tasks, each
// with its own program, on an empty store: the programs of the later
// tasks are compiled while the first one runs (it sleeps a second, far
// longer than these small programs take to compile), so a cold run waits
// for the slowest compile rather than the sum. Their tasks find the code
// compiled instead of compiling it themselves, and report it compiled.
func TestProgramsCompileAheadOfTheirTasks(t *testing.T) {
	dir := t.TempDir()
	yaml := strings.NewReplacer("CORE", testprog.Module(t, "probe"), "PROBE", testprog.Component(t, "probe"), "GREET", testprog.Module(t, "greet")).Replace(`
version: 1
components:
  core: {path: CORE}
  probe: {path: PROBE}
  greet: {path: GREET}
tasks:
  first: {component: core, args: [sleep, "1000"]}
  second: {component: probe, deps: [first]}
  third: {component: greet, deps: [second]}
`)
	if err := os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := runner.NewEngine(runner.Options{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	var out strings.Builder
	opts := Options{Engine: eng, Stdout: &out, Stderr: &out}
	r, err := NewRunner(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := r.Run(t.Context())
	r.Close()
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, res := range sum {
		// Each program was compiled once, ahead: its task did not compile
		// it (no progress line), and the summary still says compiled.
		if res.Task != "first" && (res.Source != runner.Compiled || strings.Contains(out.String(), "["+res.Task+"] compiling")) {
			t.Errorf("task %s: program came from %v, want %v, compiled ahead of the task:\n%s", res.Task, res.Source, runner.Compiled, out.String())
		}
	}
}
