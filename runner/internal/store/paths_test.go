package store

import (
	"fmt"
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
