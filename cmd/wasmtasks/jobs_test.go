package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
)

// TestRunJobsFlag: -j below 1 is a usage error, as WASMTASKS_JOBS is for
// mage; it used to mean "the number of CPUs" without a word.
func TestRunJobsFlag(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte("version: 1\ntasks: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := wasmtasks(t, dir, "", "run", "-j", "2"); r.status != 0 {
		t.Fatalf("-j 2: exit status %d; stderr %q", r.status, r.stderr)
	}
	for _, v := range []string{"0", "-1", "-99", "many"} {
		if r := wasmtasks(t, dir, "", "run", "-j", v); r.status != exitcode.Usage {
			t.Errorf("-j %s: exit status %d, want %d; stderr %q", v, r.status, exitcode.Usage, r.stderr)
		}
	}
}
