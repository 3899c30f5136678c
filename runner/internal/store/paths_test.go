package store

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestPathsResolveEachPathOnce checks 100 output paths against one store,
// key and task file, as a large task file's pass does: the shared paths
// are resolved once, not once per output (issue 15).
func TestPathsResolveEachPathOnce(t *testing.T) {
	dir := t.TempDir()
	var ps Paths
	before := resolved.Load()
	for i := range 100 {
		out := filepath.Join(dir, "out", fmt.Sprintf("t%d.txt", i))
		if err := ps.CheckWritable(out, filepath.Join(dir, "store"), filepath.Join(dir, "key")); err != nil {
			t.Fatal(err)
		}
		if err := ps.CheckHolds(out, filepath.Join(dir, "wasmtasks.yaml"), "the task file"); err != nil {
			t.Fatal(err)
		}
	}
	if n := resolved.Load() - before; n != 103 {
		t.Errorf("resolved %d paths for 100 outputs, want 103 (each output, the store, the key and the task file once)", n)
	}
	if err := ps.CheckWritable(dir, filepath.Join(dir, "store"), ""); err == nil {
		t.Error("a folder holding the store passed")
	}
}

// TestPathsListedFolderSeesSymlinks checks many outputs of one folder, which
// the pass lists instead of looking each up: a symlink among them that
// leads into the store is still followed and refused, before and after the
// folder is listed.
func TestPathsListedFolderSeesSymlinks(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	out := filepath.Join(dir, "out")
	for _, d := range []string{store, out} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bad := map[int]bool{3: true, 3 * listAfter: true}
	for i := range bad {
		if err := os.Symlink(store, filepath.Join(out, fmt.Sprintf("t%d.txt", i))); err != nil {
			t.Fatal(err)
		}
	}
	var ps Paths
	for i := range 4 * listAfter {
		err := ps.CheckWritable(filepath.Join(out, fmt.Sprintf("t%d.txt", i)), store, "")
		if bad[i] != (err != nil) {
			t.Errorf("t%d.txt (a symlink into the store: %t): %v", i, bad[i], err)
		}
	}
	if _, listed := ps.links[out]; !listed {
		t.Errorf("the folder of %d outputs was not listed", 4*listAfter)
	}
}
