package runner_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/safefs"
	"github.com/wasmtasks/wasmtasks/runner"
)

// TestPlantedSymlinkDoesNotWidenMounts is the attack of issue 14 item 1: a
// guest with build/ read-write replaces build/out with a symlink to a
// folder above the project; a later run that mounts build/out read-write
// must be refused, and nothing may be written outside.
func TestPlantedSymlinkDoesNotWidenMounts(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			above := t.TempDir()
			proj := filepath.Join(above, "proj")
			build := filepath.Join(proj, "build")
			if err := os.MkdirAll(filepath.Join(build, "out"), 0o755); err != nil {
				t.Fatal(err)
			}
			plant := eng.Command(path, "symlink", "../..", "/build/out")
			plant.Dirs = []runner.Dir{{Host: build, Guest: "/build"}}
			plant.Roots = []string{proj}
			if _, _, errOut, err := run(t, plant); err != nil {
				t.Fatalf("planting: %v\n%s", err, errOut)
			}
			if fi, err := os.Lstat(filepath.Join(build, "out")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Fatalf("the guest did not plant the symlink: %v", err)
			}
			use := eng.Command(path, "write", "/out/escaped.txt", "pwned")
			use.Dirs = []runner.Dir{{Host: filepath.Join(build, "out"), Guest: "/out"}}
			use.Roots = []string{proj, build}
			_, _, errOut, err := run(t, use)
			if _, serr := os.Stat(filepath.Join(above, "escaped.txt")); serr == nil {
				t.Fatalf("the guest wrote outside the project through the planted symlink")
			}
			if !errors.Is(err, safefs.ErrPlanted) {
				t.Fatalf("mounting the planted symlink: got %v (%s), want safefs.ErrPlanted", err, errOut)
			}
			t.Log(err)
		})
	}
}

// TestSymlinkOutsideRootsIsFollowed checks the other half of the rule: a
// symlink the user made outside the project and every read-write folder
// (like /tmp -> /private/tmp) is followed.
func TestSymlinkOutsideRootsIsFollowed(t *testing.T) {
	eng := newEngine(t)
	proj, elsewhere := t.TempDir(), t.TempDir()
	real := filepath.Join(elsewhere, "real")
	os.Mkdir(real, 0o755)
	os.WriteFile(filepath.Join(real, "note.txt"), []byte("hello through a link"), 0o644)
	link := filepath.Join(elsewhere, "link")
	if err := os.Symlink("real", link); err != nil {
		t.Fatal(err)
	}
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			cmd := eng.Command(path, "read", "/d/note.txt")
			cmd.Dirs = []runner.Dir{{Host: filepath.Join(link, "."), Guest: "/d", ReadOnly: true}}
			cmd.Roots = []string{proj}
			_, out, errOut, err := run(t, cmd)
			if err != nil || out != "hello through a link" {
				t.Fatalf("got %q, %v (%s)", out, err, errOut)
			}
		})
	}
}
