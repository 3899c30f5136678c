package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// TestExecWorkdir: exec --workdir starts a Go program in that guest
// folder, so its relative paths resolve there; a workdir outside every
// folder is refused before the program runs.
func TestExecWorkdir(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "sub", "data.txt"), []byte("in sub\n"), 0o644)
	prog := testprog.GoModule(t, "cwdgo")
	r := wasmtasks(t, dir, "", "exec", "--ro-dir", ".::/work", "--workdir", "/work/sub", prog)
	if want := "cwd /work/sub <nil>\ndata.txt: in sub\n"; r.status != 0 || r.stdout != want {
		t.Errorf("got %q, status %d, want %q\n%s", r.stdout, r.status, want, r.stderr)
	}
	r = wasmtasks(t, dir, "", "exec", "--ro-dir", ".::/work", "--workdir", "/elsewhere", prog)
	if r.status != exitcode.Usage {
		t.Errorf("a workdir outside the folders: status %d, want %d\n%s", r.status, exitcode.Usage, r.stderr)
	}
}
