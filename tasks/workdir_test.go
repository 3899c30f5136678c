package tasks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// TestWorkdir: workdir sets where a Go program (wasip1) starts, so that
// relative paths resolve from there; without it Go starts in its first
// folder, not in /. A C program (wasi-libc) always starts at / and finds
// the workdir in $PWD.
func TestWorkdir(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{"sub/data.txt": "in sub\n", "first/data.txt": "in first\n"} {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
	}
	yaml := strings.NewReplacer("GOCWD", testprog.GoModule(t, "cwdgo"), "CCWD", testprog.Module(t, "cwd")).Replace(`
version: 1
components:
  go:
    path: GOCWD
    dirs: [{host: first, guest: /first, readonly: true}, {host: ., guest: /work, readonly: true}]
  c:
    path: CCWD
    dirs: [{host: first, guest: /first, readonly: true}, {host: ., guest: /work, readonly: true}]
tasks:
  go: {component: go, workdir: /work/sub}
  go-default: {component: go}
  c: {component: c, workdir: /work/sub}
`)
	os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(yaml), 0o644)
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for task, want := range map[string]string{
		"go":         "cwd /work/sub <nil>\ndata.txt: in sub\n",
		"go-default": "cwd /first <nil>\ndata.txt: in first\n",
		"c":          "cwd /\ndata.txt: not found\nchdir $PWD\ncwd /work/sub\ndata.txt: in sub\n",
	} {
		o := runTasks(t, p, Options{Jobs: 1}, task)
		if o.err != nil || o.stdout != want {
			t.Errorf("%s: printed %q (%v), want %q\n%s", task, o.stdout, o.err, want, o.stderr)
		}
	}
}
