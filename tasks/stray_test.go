package tasks

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestStrayTemporariesAreSkippedAndRemoved is issue 14's crash item: a run
// killed mid-write leaves its temporary output beside the real one. Globs
// must not take it as an input, and the next run of the task removes it
// once its writer is gone, but not the file of a writer still running.
func TestStrayTemporariesAreSkippedAndRemoved(t *testing.T) {
	p, dir := projectWith(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  log: {component: probe, args: [args], stdout: {file: build/log.txt}}
`, "build")
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	stray := fmt.Sprintf(".log.txt.wasmtasks-tmp-%d-42", dead.Process.Pid)
	live := fmt.Sprintf(".log.txt.wasmtasks-tmp-%d-43", os.Getpid())
	for _, name := range []string{stray, live, "kept.txt"} {
		if err := os.WriteFile(filepath.Join(dir, "build", name), []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, _, err := expandGlobs(dir, []string{"build/*", "**"})
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(got, "build/"+stray) || slices.Contains(got, "build/"+live) {
		t.Errorf("globs matched temporary files: %v", got)
	}
	if !slices.Contains(got, "build/kept.txt") {
		t.Errorf("globs lost a real file: %v", got)
	}
	if o := runTasks(t, p, Options{Jobs: 1}); o.err != nil {
		t.Fatalf("%v\n%s", o.err, o.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "build", stray)); err == nil {
		t.Errorf("the dead writer's temporary file is still there")
	}
	if _, err := os.Stat(filepath.Join(dir, "build", live)); err != nil {
		t.Errorf("the live writer's temporary file was removed: %v", err)
	}
}
