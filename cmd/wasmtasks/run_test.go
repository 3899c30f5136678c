package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// taskDir writes a task file in which PROBE stands for the probe component.
func taskDir(t *testing.T, yaml string) string {
	t.Helper()
	dir := t.TempDir()
	yaml = strings.ReplaceAll(yaml, "PROBE", testprog.Component(t, "probe"))
	if err := os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

const cliTasks = `version: 1
components:
  probe: {path: PROBE}
tasks:
  hello: {component: probe, description: Says hello., args: [args, hi]}
  fails: {component: probe, args: [fail, "it broke"], deps: [hello]}
  spin:
    component: probe
    args: [lines, "100000000", spin]
    stdout: {file: out/spin.txt}
`

func TestRunCommand(t *testing.T) {
	dir := taskDir(t, cliTasks)
	sub := filepath.Join(dir, "sub", "deeper")
	os.MkdirAll(sub, 0o755)
	tests := []struct {
		name, dir string
		args      []string
		status    int
		stdout    string
		stderr    []string
	}{
		{"one task", dir, []string{"run", "hello"}, 0, "[hello] probe", []string{"wasmtasks: [hello] ok in", "1 task: 1 ran"}},
		{"found upwards", sub, []string{"run", "hello"}, 0, "[hello] probe", nil},
		{"failure", dir, []string{"run", "-j", "1", "fails"}, 1, "\nargs\nhi\n", []string{"wasmtasks: [fails] failed in", "2 tasks: 1 ran, 1 failed", "--- fails failed: exit status 1", "    it broke", "wasmtasks: task fails failed"}},
		{"unknown task", dir, []string{"run", "nope"}, 2, "", []string{`no task "nope"`}},
		{"bad output mode", dir, []string{"run", "--output", "fancy", "hello"}, 2, "", []string{"unknown output mode"}},
		{"dry run", dir, []string{"run", "--dry-run", "fails"}, 0, "1. hello (would run)", nil},
		{"list", dir, []string{"list"}, 0, "hello  Says hello.  -", nil},
		{"list json", dir, []string{"list", "--json"}, 0, `"description": "Says hello."`, nil},
		{"validate", dir, []string{"validate"}, 0, "wasmtasks.yaml is valid: 1 component, 3 tasks", nil},
		{"compile", dir, []string{"compile"}, 0, "probe                component", nil},
		{"no task file", t.TempDir(), []string{"run"}, 2, "", []string{"no wasmtasks.yaml found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := wasmtasks(t, tt.dir, "", tt.args...)
			if r.status != tt.status {
				t.Errorf("exit status %d, want %d\nstdout: %s\nstderr: %s", r.status, tt.status, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, r.stdout)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
		})
	}
	bad := taskDir(t, "version: 1\ntasks:\n  a: {component: missing}\n  b: {component: missing, argz: []}\n")
	for _, cmd := range []string{"run", "validate", "list", "compile"} {
		r := wasmtasks(t, bad, "", cmd)
		if r.status != 2 || !strings.Contains(r.stderr, "wasmtasks.yaml has 3 problems:\nwasmtasks.yaml:3:18: unknown component \"missing\"") ||
			!strings.Contains(r.stderr, `wasmtasks.yaml:4:27: unknown key "argz"; did you mean "args"?`) {
			t.Errorf("%s of a bad task file: %+v", cmd, r)
		}
	}
}

// TestCheckReproducibleFlag runs a task that writes the time and random
// bytes with --check-reproducible: it passes with reproducible: true and
// fails with status 1, naming the file and offset, without.
func TestCheckReproducibleFlag(t *testing.T) {
	for _, tt := range []struct {
		setting string
		status  int
		stderr  string
	}{
		{"true", 0, "1 task: 1 ran"},
		{"false", 1, `wasmtasks: task "stamp" is not reproducible: /out/stamp.txt differs at byte `},
	} {
		t.Run("reproducible "+tt.setting, func(t *testing.T) {
			dir := t.TempDir()
			os.Mkdir(filepath.Join(dir, "out"), 0o755)
			yaml := "version: 1\ncomponents:\n  stamp: {path: " + testprog.Component(t, "stamp") +
				", dirs: [{host: out, guest: /out}]}\ntasks:\n  stamp: {component: stamp, args: [/out/stamp.txt], reproducible: " + tt.setting + "}\n"
			if err := os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			r := wasmtasks(t, dir, "", "run", "--check-reproducible")
			if r.status != tt.status || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit status %d (want %d), stderr lacks %q:\n%s", r.status, tt.status, tt.stderr, r.stderr)
			}
		})
	}
}

// TestRunInterrupted sends SIGINT while a task writes its output file: the
// command exits 130 and leaves no half-written output.
func TestRunInterrupted(t *testing.T) {
	dir := taskDir(t, cliTasks)
	cmd := exec.Command(binary, "run", "spin")
	cmd.Dir = dir
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the output is being written.
	deadline := time.Now().Add(30 * time.Second)
	for {
		temps, _ := filepath.Glob(filepath.Join(dir, "out", ".spin.txt.wasmtasks-tmp-*"))
		if len(temps) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if got := cmd.ProcessState.ExitCode(); got != exitcode.Interrupted {
		t.Errorf("exit status %d, want %d\n%s", got, exitcode.Interrupted, errb.String())
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "out"))
	for _, e := range entries {
		t.Errorf("interrupted run left %s", e.Name())
	}
	if !strings.Contains(errb.String(), "1 task: 1 stopped") {
		t.Errorf("summary lacks the stopped task:\n%s", errb.String())
	}
}

// TestTwoRunsAtOnce starts two `wasmtasks run` processes on one project at
// the same moment: both succeed, the state file stays whole, and a third
// run finds the tasks up to date.
func TestTwoRunsAtOnce(t *testing.T) {
	dir := taskDir(t, `version: 1
components:
  probe: {path: PROBE}
tasks:
  a: {component: probe, args: [lines, "2000", a], stdout: {file: out/a.txt}, inputs: [wasmtasks.yaml], outputs: [out/a.txt]}
  b: {component: probe, args: [lines, "2000", b], stdout: {file: out/b.txt}, inputs: [wasmtasks.yaml], outputs: [out/b.txt]}
  c: {component: probe, args: [lines, "2000", c], stdout: {file: out/c.txt}, inputs: [wasmtasks.yaml], outputs: [out/c.txt], deps: [a, b]}
`)
	results := make(chan result, 2)
	for range 2 {
		go func() { results <- wasmtasks(t, dir, "", "run") }()
	}
	for range 2 {
		if r := <-results; r.status != 0 {
			t.Errorf("concurrent run: %+v", r)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, ".wasmtasks", "state.json"))
	if err != nil || !json.Valid(b) {
		t.Fatalf("state file: %v\n%s", err, b)
	}
	for _, name := range []string{"a", "b", "c"} {
		out, _ := os.ReadFile(filepath.Join(dir, "out", name+".txt"))
		if n := strings.Count(string(out), "\n"); n != 2000 {
			t.Errorf("out/%s.txt has %d lines, want 2000", name, n)
		}
	}
	r := wasmtasks(t, dir, "", "run")
	if r.status != 0 || !strings.Contains(r.stderr, "3 tasks: 3 up to date") {
		t.Errorf("third run:\n%s", r.stderr)
	}
}
