package tasks

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/runner"
)

// settingsBase is a task with every setting given, so that each case below
// changes one of them.
const settingsBase = `
version: 1
components:
  probe:
    path: PROBE
    args: [args]
    inherit_env: [HOME]
tasks:
  t:
    component: probe
    args: [a]
    env: {A: "1"}
    stdin: none
    stdout: discard
    stderr: inherit
    dirs: [{host: src, guest: /src, readonly: true}]
    timeout: 30s
    memory: 512MiB
    exit_codes: [0]
    inputs: ["src/**"]
`

// TestChangedSettingRunsAgain checks that changing any one setting of an
// up-to-date task makes it run again: the fingerprint covers every setting,
// not a hand-kept list of them.
func TestChangedSettingRunsAgain(t *testing.T) {
	tests := []struct{ name, from, to string }{
		{"task args", "args: [a]", "args: [b]"},
		{"component args", "args: [args]", "args: [args, x]"},
		{"env", `A: "1"`, `A: "2"`},
		{"inherit_env", "inherit_env: [HOME]", "inherit_env: [HOME, PATH]"},
		{"stdin", "stdin: none", "stdin: {file: in.txt}"},
		{"stdout", "stdout: discard", "stdout: inherit"},
		{"stderr", "stderr: inherit", "stderr: discard"},
		{"dirs readonly", "readonly: true", "readonly: false"},
		{"dirs guest", "guest: /src", "guest: /in"},
		{"timeout", "timeout: 30s", "timeout: 31s"},
		{"memory", "memory: 512MiB", "memory: 256MiB"},
		{"exit_codes", "exit_codes: [0]", "exit_codes: [0, 3]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(settingsBase, tt.from) {
				t.Fatalf("%q is not in the base file", tt.from)
			}
			p, dir := project(t, settingsBase)
			writeFile(t, dir, "src/in.txt", "in")
			writeFile(t, dir, "in.txt", "stdin")
			expectStatus(t, p, "first run", "t", Ran)
			expectStatus(t, p, "nothing changed", "t", UpToDate)
			writeProject(t, dir, strings.Replace(settingsBase, tt.from, tt.to, 1))
			p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			expectStatus(t, p, tt.name+" changed", "t", Ran)
			expectStatus(t, p, "settled", "t", UpToDate)
		})
	}
}

// TestExitCodesCountAsSuccess runs a module that exits with a status the
// task lists as success, and one that it does not list.
func TestExitCodesCountAsSuccess(t *testing.T) {
	p, dir := project(t, `
version: 1
components:
  core: {path: CORE, exit_codes: [0, 3]}
tasks:
  three: {component: core, args: [exit, "3"], stdout: {file: out3.txt}}
  four: {component: core, args: [exit, "4"]}
  one: {component: core, args: [exit, "1"], exit_codes: [1]}
  zero: {component: core, args: [exit, "0"], exit_codes: [1]}
`)
	o := runTasks(t, p, Options{KeepGoing: true})
	want := map[string]Status{"three": Ran, "four": Failed, "one": Ran, "zero": Failed}
	for name, st := range want {
		if got := o.status(name); got != st {
			t.Errorf("task %s: %v, want %v\nerr: %v\n%s", name, got, st, o.err, o.stderr)
		}
	}
	for _, r := range o.sum {
		if r.Task == "three" && r.ExitCode != 3 {
			t.Errorf("task three: exit code %d in the summary, want 3", r.ExitCode)
		}
		if r.Task == "four" {
			var ee *runner.ExitError
			if !errors.As(r.Err, &ee) || ee.ExitCode() != 4 {
				t.Errorf("task four: error %v, want an exit error with status 4", r.Err)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out3.txt")); err != nil {
		t.Errorf("the output of a task that exited 3 (listed as success) was not kept: %v", err)
	}
}
