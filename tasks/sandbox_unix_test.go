//go:build unix

package tasks

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestSandboxMountSeesNoFurther: a symlink in a mounted folder counts by
// its text, not by what it leads to (the guest cannot follow it out of its
// folder); a named pipe is not opened (the check does not block); neither
// fails the task.
func TestSandboxMountSeesNoFurther(t *testing.T) {
	p, dir := project(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  t:
    component: probe
    args: [write, /out/x, y]
    dirs: [{host: src, guest: /src, readonly: true}, {host: out, guest: /out}]
`)
	outside := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(outside, []byte("v1"), 0o644)
	if err := os.Symlink(outside, filepath.Join(dir, "src", "link")); err != nil {
		t.Fatal(err)
	}
	os.Symlink("/dev/zero", filepath.Join(dir, "src", "zero"))
	if err := syscall.Mkfifo(filepath.Join(dir, "src", "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, p, "first run", "t", Ran)
	os.WriteFile(outside, []byte("v2"), 0o644)
	expectStatus(t, p, "the link's target outside changed", "t", UpToDate)
	os.Remove(filepath.Join(dir, "src", "link"))
	os.Symlink(outside+".other", filepath.Join(dir, "src", "link"))
	expectStatus(t, p, "the link's text changed", "t", Ran)
}
