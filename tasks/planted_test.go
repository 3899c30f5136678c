//go:build unix

package tasks

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/safefs"
)

// TestPlantedMountSymlinkIsRefused is issue 14 item 1 end to end: one task
// replaces build/out with a symlink above the project through its
// read-write mount of build/; the next task, which mounts build/out
// read-write, must be refused before it can write outside.
func TestPlantedMountSymlinkIsRefused(t *testing.T) {
	p, dir := projectWith(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  plant:
    component: probe
    args: [symlink, "../../..", /build/out]
    dirs: [{host: build, guest: /build}]
  use:
    component: probe
    args: [write, /out/escaped.txt, pwned]
    deps: [plant]
    dirs: [{host: build/out, guest: /out}]
`, "build/out")
	o := runTasks(t, p, Options{Jobs: 1})
	if _, err := os.Lstat(filepath.Join(dir, "build", "out")); err != nil {
		t.Fatalf("plant did not run: %v\n%s", err, o.stderr)
	}
	above := filepath.Dir(filepath.Dir(dir))
	if _, err := os.Stat(filepath.Join(above, "escaped.txt")); err == nil {
		os.Remove(filepath.Join(above, "escaped.txt"))
		t.Fatalf("the second task wrote outside the project through the planted symlink")
	}
	if err := o.taskErr("use"); !errors.Is(err, safefs.ErrPlanted) {
		t.Fatalf("use: got %v, want safefs.ErrPlanted\n%s", err, o.stderr)
	}
	t.Log(o.taskErr("use"))
}

// secretBeside writes a host file outside the project that a planted
// symlink at build/NAME would reach as ../../secret.txt.
func secretBeside(t *testing.T, dir string) string {
	secret := filepath.Join(filepath.Dir(dir), "secret.txt")
	if err := os.WriteFile(secret, []byte("host secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(secret) })
	return secret
}

// TestPlantedOutputSymlinkDisclosesNothing is issue 14 item 3: a guest
// replaces its output file with a symlink to a host file; the next run,
// appending to that output, must not copy the host file into it.
func TestPlantedOutputSymlinkDisclosesNothing(t *testing.T) {
	p, dir := projectWith(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  plant:
    component: probe
    args: [symlink, "../../secret.txt", /build/log.txt]
    dirs: [{host: build, guest: /build}]
  log:
    component: probe
    args: [stderr, "a line"]
    deps: [plant]
    stderr: {file: build/log.txt, append: true}
`, "build")
	secretBeside(t, dir)
	o := runTasks(t, p, Options{Jobs: 1})
	log := filepath.Join(dir, "build", "log.txt")
	if fi, err := os.Lstat(log); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the planted symlink was replaced: %v, %v", fi, err)
	}
	if b, _ := os.ReadFile(log); string(b) != "host secret\n" {
		t.Fatalf("the output disclosed the host file, or the host file changed: %q", b)
	}
	if err := o.taskErr("log"); !errors.Is(err, safefs.ErrPlanted) {
		t.Fatalf("log: got %v, want safefs.ErrPlanted\n%s", err, o.stderr)
	}
	t.Log(o.taskErr("log"))
}

// TestPlantedStdinSymlinkDisclosesNothing: stdin: {file: …} does not follow a
// symlink a guest planted.
func TestPlantedStdinSymlinkDisclosesNothing(t *testing.T) {
	p, dir := projectWith(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  plant:
    component: probe
    args: [symlink, "../../secret.txt", /build/in.txt]
    dirs: [{host: build, guest: /build}]
  read:
    component: probe
    args: [cat]
    deps: [plant]
    stdin: {file: build/in.txt}
`, "build")
	secretBeside(t, dir)
	o := runTasks(t, p, Options{Jobs: 1})
	if strings.Contains(o.stdout, "host secret") {
		t.Fatalf("stdin disclosed the host file: %q", o.stdout)
	}
	if err := o.taskErr("read"); !errors.Is(err, safefs.ErrPlanted) {
		t.Fatalf("read: got %v, want safefs.ErrPlanted\n%s", err, o.stderr)
	}
	t.Log(o.taskErr("read"))
}

// TestStdinFIFOIsRefused: a FIFO named as stdin used to block the run
// forever; it is refused at once.
func TestStdinFIFOIsRefused(t *testing.T) {
	_, dir := project(t, `version: 1`)
	fifo := filepath.Join(dir, "in.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	writeProject(t, dir, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  read: {component: probe, args: [cat], stdin: {file: in.fifo}}
`)
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan outcome, 1)
	go func() { done <- runTasks(t, p, Options{Jobs: 1}) }()
	select {
	case o := <-done:
		if err := o.taskErr("read"); !errors.Is(err, safefs.ErrNotRegular) {
			t.Fatalf("read: got %v, want safefs.ErrNotRegular\n%s", err, o.stderr)
		}
	case <-time.After(20 * time.Second):
		// Unblock the old code's open so the test process can end.
		if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			f.Close()
		}
		<-done
		t.Fatal("a FIFO as stdin blocked the run")
	}
}

// TestOutputFileModes is issue 13 bug 2: a new output file gets 0666 less
// the umask, like any file a program creates, and an existing one keeps its
// mode.
func TestOutputFileModes(t *testing.T) {
	p, dir := project(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  new: {component: probe, args: [args], stdout: {file: out/new.txt}}
  old: {component: probe, args: [args], stdout: {file: out/old.txt, append: true}}
`)
	os.Mkdir(filepath.Join(dir, "out"), 0o755)
	old := filepath.Join(dir, "out", "old.txt")
	os.WriteFile(old, []byte("before\n"), 0o600)
	os.Chmod(old, 0o640)
	ref := filepath.Join(dir, "ref")
	f, err := os.OpenFile(ref, os.O_CREATE|os.O_WRONLY, 0o666)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	o := runTasks(t, p, Options{Jobs: 1})
	if o.err != nil {
		t.Fatalf("%v\n%s", o.err, o.stderr)
	}
	want, _ := os.Stat(ref)
	for name, mode := range map[string]os.FileMode{"new.txt": want.Mode().Perm(), "old.txt": 0o640} {
		fi, err := os.Stat(filepath.Join(dir, "out", name))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v", name, fi.Mode().Perm(), mode)
		}
	}
	if b, _ := os.ReadFile(old); !strings.HasPrefix(string(b), "before\n") {
		t.Errorf("old.txt lost what it held: %q", b)
	}
}

// TestPlantedStateFilesAreNotFollowed plants what a guest with a
// read-write mount of a project could plant in its .wasmtasks folder (here
// the test plants it; this task file's own guard refuses such a mount): a
// FIFO as state.json, which blocked every later run, and state.lock as a
// symlink out of the project, which created a file wherever it pointed.
func TestPlantedStateFilesAreNotFollowed(t *testing.T) {
	p, dir := projectWith(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  build:
    component: probe
    args: [args, x]
    inputs: [src/in.txt]
`)
	os.WriteFile(filepath.Join(dir, "src", "in.txt"), []byte("in"), 0o644)
	state := filepath.Join(dir, stateDir)
	os.Mkdir(state, 0o755)
	if err := syscall.Mkfifo(filepath.Join(state, "state.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "created-by-guest")
	if err := os.Symlink(outside, filepath.Join(state, "state.lock")); err != nil {
		t.Fatal(err)
	}
	done := make(chan outcome, 1)
	go func() { done <- runTasks(t, p, Options{Jobs: 1}) }()
	var o outcome
	select {
	case o = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the run blocked on the planted state file")
	}
	if o.err != nil {
		t.Fatalf("run failed: %v\n%s", o.err, o.stderr)
	}
	if _, err := os.Lstat(outside); err == nil {
		t.Fatal("the planted state.lock symlink created a file outside the project")
	}
	if !strings.Contains(o.stderr, "could not record") {
		t.Errorf("no warning that the run could not be recorded:\n%s", o.stderr)
	}
}

// TestNeighboursSymlinkIsNotFollowed is the shared-machine attack: another
// user (nobody) plants, in a shared folder, a symlink to the victim's
// private folder and one to a private file; a task file that names them as
// a mount and an output file must not reach either.
func TestNeighboursSymlinkIsNotFollowed(t *testing.T) {
	shared, victim := t.TempDir(), t.TempDir()
	os.Chmod(shared, 0o1777)
	os.Chmod(victim, 0o700)
	precious := filepath.Join(victim, "precious.txt")
	os.WriteFile(precious, []byte("precious\n"), 0o600)
	for link, target := range map[string]string{"mnt": victim, "out.log": precious} {
		p := filepath.Join(shared, link)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		if err := os.Lchown(p, 65534, 65534); err != nil {
			t.Fatalf("this test plays another user with chown (run as root): %v", err)
		}
	}
	p, _ := projectWith(t, strings.NewReplacer("SHARED", shared).Replace(`
version: 1
components:
  probe: {path: PROBE}
tasks:
  mount:
    component: probe
    args: [write, /v/planted.txt, x]
    dirs: [{host: SHARED/mnt, guest: /v}]
  output:
    component: probe
    args: [args, x]
    stdout: {file: SHARED/out.log}
`))
	o := runTasks(t, p, Options{Jobs: 1, KeepGoing: true})
	for _, task := range []string{"mount", "output"} {
		if err := o.taskErr(task); !errors.Is(err, safefs.ErrPlanted) {
			t.Errorf("%s: got %v, want safefs.ErrPlanted", task, err)
		}
	}
	if _, err := os.Stat(filepath.Join(victim, "planted.txt")); err == nil {
		t.Error("the task wrote into the victim's private folder")
	}
	if b, _ := os.ReadFile(precious); string(b) != "precious\n" {
		t.Errorf("the private file now holds %q", b)
	}
}
