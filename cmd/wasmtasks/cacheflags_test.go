package main

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
)

// TestCacheFlagsAfterCommand: `cache info --cache-dir DIR`, the order
// people type, uses DIR; it used to say "cache needs one of info, prune,
// clear" although info was given. An extra word is named in the error,
// and a store is not created for a command that does not exist.
func TestCacheFlagsAfterCommand(t *testing.T) {
	dir, store := t.TempDir(), t.TempDir()+"/store"
	r := wasmtasks(t, dir, "", "cache", "info", "--cache-dir", store)
	if r.status != 0 || !strings.Contains(r.stdout, store) {
		t.Fatalf("cache info --cache-dir: exit status %d, stdout %q, stderr %q; want the store %s", r.status, r.stdout, r.stderr, store)
	}
	other := t.TempDir() + "/other"
	for _, args := range [][]string{{"info", "extra"}, {"prune", "--max", "1KiB", "now"}, {"bogus", "--cache-dir", other}, {}} {
		r := wasmtasks(t, dir, "", append([]string{"cache"}, args...)...)
		if r.status != exitcode.Usage {
			t.Errorf("cache %q: exit status %d, want %d; stderr %q", args, r.status, exitcode.Usage, r.stderr)
		}
		if len(args) > 1 && !strings.Contains(r.stderr, args[len(args)-1]) && args[0] != "bogus" {
			t.Errorf("cache %q: stderr %q does not name %q", args, r.stderr, args[len(args)-1])
		}
	}
	if _, err := os.Stat(other); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("cache bogus made the store %s: %v", other, err)
	}
}
