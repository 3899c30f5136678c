package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// TestStoreExposedToGuest gives a program read-write access to the folder
// that holds the store of compiled code, through the task file and through
// exec --dir: validate, run and exec must refuse with status 2, naming the
// place in the task file, before anything runs.
func TestStoreExposedToGuest(t *testing.T) {
	dir := t.TempDir()
	probe := testprog.Module(t, "probe")
	yaml := "version: 1\ncache_dir: .cache\ncomponents:\n  probe:\n    path: " + probe +
		"\n    dirs:\n      - {host: ., guest: /p}\ntasks:\n  plant:\n    component: probe\n    args: [write, /p/ran, x]\n"
	os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(yaml), 0o644)
	for _, args := range [][]string{
		{"validate"},
		{"run"},
		{"exec", "--cache-dir", filepath.Join(dir, ".cache"), "--dir", dir + "::/p", probe, "write", "/p/ran", "x"},
	} {
		r := wasmtasks(t, dir, "", args...)
		t.Logf("%s: status %d, stderr %s", args[0], r.status, r.stderr)
		if r.status != exitcode.Usage {
			t.Errorf("%s: status %d, want %d", args[0], r.status, exitcode.Usage)
		}
		if args[0] != "exec" && !strings.Contains(r.stderr, "wasmtasks.yaml:7:9: read-write folder") {
			t.Errorf("%s: the error does not name the dirs entry: %s", args[0], r.stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, "ran")); err == nil {
			t.Fatalf("%s: the program ran", args[0])
		}
	}
}

// TestUnsafeStoreExitsTwo points the commands at a store folder that every
// user may write: they refuse it with status 2 and say how to fix it.
func TestUnsafeStoreExitsTwo(t *testing.T) {
	store := filepath.Join(t.TempDir(), "store")
	os.Mkdir(store, 0o777)
	os.Chmod(store, 0o777)
	dir := t.TempDir()
	for _, args := range [][]string{
		{"exec", "--cache-dir", store, testprog.Module(t, "probe")},
		{"cache", "--cache-dir", store, "info"},
	} {
		r := wasmtasks(t, dir, "", args...)
		if r.status != exitcode.Usage || !strings.Contains(r.stderr, "chmod 700") {
			t.Errorf("%s: status %d, stderr %q; want %d and how to fix it", args[0], r.status, r.stderr, exitcode.Usage)
		}
	}
}
