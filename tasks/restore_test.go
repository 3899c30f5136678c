package tasks

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/safefs"
	"github.com/wasmtasks/wasmtasks/internal/syncbuf"
)

// TestRestoreFile proves a file from a remote cache is written only where
// the task could have written it: inside its read-write folders or as one
// of its output files, atomically, with its executable bit; never at a
// path that climbs out, is absolute, lies in .wasmtasks, or leads through
// a symlink planted in the project.
func TestRestoreFile(t *testing.T) {
	p, dir := projectWith(t, "version: 1\ncomponents:\n  probe: {path: PROBE}\ntasks:\n  a: {component: probe}\n", "out", "elsewhere")
	var out, errb syncbuf.Buffer
	r, err := NewRunner(p, Options{Engine: testEngine(t), Stdout: &out, Stderr: &errb})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	places := []outputPlace{{path: "out", folder: true}, {path: "log.txt"}}
	if err := r.restoreFile("out/deep/x.bin", places, []byte("x"), true); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, "out", "deep", "x.bin"))
	if err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Fatalf("restored file: %v, %v; want it executable", fi, err)
	}
	if err := r.restoreFile("log.txt", places, []byte("log"), false); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "elsewhere"), filepath.Join(dir, "out", "link")); err != nil {
		t.Fatal(err)
	}
	for _, rel := range []string{"../x", "/etc/passwd", "out/../../x", "out/../log2.txt", "out\\x", "out/./x", "",
		".", "out", "out/", "log.txt/x", "other.txt", ".wasmtasks/state", "wasmtasks.yaml"} {
		if err := r.restoreFile(rel, places, []byte("evil"), false); !errors.Is(err, ErrNotAnOutput) {
			t.Errorf("restore %q: %v, want ErrNotAnOutput", rel, err)
		}
	}
	if err := r.restoreFile("out/link/x", places, []byte("evil"), false); !errors.Is(err, safefs.ErrPlanted) {
		t.Errorf("restore through a planted symlink: %v, want ErrPlanted", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "elsewhere")); len(entries) != 0 {
		t.Errorf("written through the symlink: %v", entries)
	}
	// A symlink at the file's own name is replaced, not followed.
	target := filepath.Join(dir, "elsewhere", "victim")
	os.WriteFile(target, []byte("mine"), 0o644)
	os.Symlink(target, filepath.Join(dir, "out", "victim"))
	if err := r.restoreFile("out/victim", places, []byte("restored"), false); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "mine" {
		t.Errorf("the symlink's target was written: %q", b)
	}
}
