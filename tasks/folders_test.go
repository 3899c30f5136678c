package tasks

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/safefs"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

const folderTasks = `
version: 1
components:
  probe: {path: PROBE}
tasks:
  other: {component: probe, args: [args]}
  write:
    component: probe
    args: [write, /out/x.txt, hi]
    dirs: [{host: build/out, guest: /out}]
  read:
    component: probe
    args: [read, /in/x.txt]
    dirs: [{host: missing, guest: /in, readonly: true}]
  strict:
    component: probe
    args: [write, /w/x.txt, hi]
    dirs: [{host: nothere, guest: /w, create: false}]
`

// TestMissingFoldersAreTaskTimeProblems is bug 7: a dirs folder that does
// not exist made the whole file invalid, even for tasks that never mount
// it (a fresh clone without build/). Now the file loads; a missing
// read-write folder is created when its task runs, and a missing read-only
// one (or one with create: false) fails only the task that mounts it.
func TestMissingFoldersAreTaskTimeProblems(t *testing.T) {
	p, dir := project(t, folderTasks)
	if o := runTasks(t, p, Options{}, "other"); o.err != nil {
		t.Fatalf("other: %v\n%s", o.err, o.stderr)
	}
	if o := runTasks(t, p, Options{}, "write"); o.err != nil {
		t.Fatalf("write: %v\n%s", o.err, o.stderr)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "build", "out", "x.txt")); err != nil || string(b) != "hi" {
		t.Errorf("build/out/x.txt holds %q (%v), want hi", b, err)
	}
	for _, name := range []string{"read", "strict"} {
		o := runTasks(t, p, Options{}, name)
		err := o.taskErr(name)
		if o.status(name) != Failed || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: %s (%v), want a failure matching fs.ErrNotExist", name, o.status(name), err)
			continue
		}
		t.Logf("%s: %v", name, err)
		var report strings.Builder
		o.sum.Print(&report)
		if !strings.Contains(report.String(), "wasmtasks.yaml:") {
			t.Errorf("%s: the report does not say where the folder is given:\n%s", name, report.String())
		}
	}
	for _, d := range []string{"missing", "nothere"} {
		if _, err := os.Stat(filepath.Join(dir, d)); err == nil {
			t.Errorf("%s was created", d)
		}
	}
}

// TestCreatedFolderFollowsNoPlantedSymlink: a missing read-write folder
// is created through the symlink rule: a symlink a task planted on the
// way (build -> elsewhere) is refused, and nothing is made elsewhere.
func TestCreatedFolderFollowsNoPlantedSymlink(t *testing.T) {
	p, dir := project(t, folderTasks)
	elsewhere := t.TempDir()
	if err := os.Symlink(elsewhere, filepath.Join(dir, "build")); err != nil {
		t.Fatal(err)
	}
	o := runTasks(t, p, Options{}, "write")
	if !errors.Is(o.taskErr("write"), safefs.ErrPlanted) {
		t.Errorf("got %v, want the planted symlink refused", o.taskErr("write"))
	}
	if _, err := os.Stat(filepath.Join(elsewhere, "out")); err == nil {
		t.Error("the folder was made through the planted symlink")
	}
}

// TestScratchTmp: tmp: true gives the program an empty read-write /tmp
// that is gone after the run, whether the task succeeds or fails.
func TestScratchTmp(t *testing.T) {
	for _, tt := range []struct {
		name string
		args string
		fail bool
	}{{"ok", "[]", false}, {"fails", "[fail]", true}} {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := project(t, strings.ReplaceAll(`
version: 1
components:
  scratch: {path: SCRATCH, tmp: true}
tasks:
  abc9: {component: scratch, args: ARGS}
`, "ARGS", tt.args))
			testEngine(t)
			host := t.TempDir()
			t.Setenv("TMPDIR", host)
			o := runTasks(t, p, Options{Jobs: 1}, "abc9")
			if (o.err != nil) != tt.fail {
				t.Fatalf("err %v\n%s", o.err, o.stderr)
			}
			if want := "entries 0\nread back: scratch data\n"; o.stdout != want {
				t.Errorf("stdout %q, want %q\n%s", o.stdout, want, o.stderr)
			}
			if des, _ := os.ReadDir(host); len(des) > 0 {
				t.Errorf("the scratch folder is still there: %v", des[0].Name())
			}
		})
	}
}

func init() {
	scratchProgram = func(t *testing.T) string { return testprog.Component(t, "scratch") }
}
