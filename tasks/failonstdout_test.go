package tasks

import (
	"errors"
	"strings"
	"testing"
)

// TestFailOnStdout: a check task (like gofmt -l) that lists problems on
// stdout and exits 0 fails with fail_on_stdout, and the report shows what
// it printed; one that prints nothing (stderr aside) succeeds, and
// exit_codes still decide which statuses count.
func TestFailOnStdout(t *testing.T) {
	p, _ := project(t, `
version: 1
components:
  check: {path: CORE, fail_on_stdout: true}
tasks:
  dirty: {component: check, args: [args, bad.go, worse.go]}
  clean: {component: check, args: [stderr, "only a note"]}
  allowed: {component: check, args: [exit, "3"], exit_codes: [3]}
  failed: {component: check, args: [exit, "3"]}
`)
	o := runTasks(t, p, Options{Jobs: 1, KeepGoing: true})
	for task, want := range map[string]Status{"dirty": Failed, "clean": Ran, "allowed": Ran, "failed": Failed} {
		if got := o.status(task); got != want {
			t.Errorf("%s: %s, want %s (%v)", task, got, want, o.taskErr(task))
		}
	}
	var pe *PrintedError
	if !errors.As(o.taskErr("dirty"), &pe) || len(pe.Lines) != 4 || pe.Lines[3] != "worse.go" {
		t.Errorf("dirty failed with %v, want a PrintedError with its 4 lines (argv[0], args, bad.go, worse.go)", o.taskErr("dirty"))
	}
	var report strings.Builder
	o.sum.Print(&report)
	t.Log(report.String())
	if !strings.Contains(report.String(), "    worse.go") {
		t.Errorf("the report does not show what the task printed:\n%s", report.String())
	}
}
