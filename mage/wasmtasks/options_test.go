package wasmtasks_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
)

// counts matches the line of counts that starts a summary.
var counts = regexp.MustCompile(`(?m)^[0-9,]+ tasks?: .*$`)

// compiledMagefile writes a project whose magefile imports this package,
// with more code in the magefile, and compiles it.
func compiledMagefile(t *testing.T, yaml, magefile string) (dir, mage string) {
	t.Helper()
	dir = importerWith(t, yaml, magefile)
	t.Setenv("WASMTASKS_CACHE_DIR", t.TempDir())
	t.Setenv("MAGEFILE_CACHE", t.TempDir())
	mage = filepath.Join(t.TempDir(), "mage")
	goCmd(t, dir, 0, "tool", "mage", "-compile", mage)
	return dir, mage
}

// runMage runs the compiled magefile with more environment variables, and
// returns its output and exit status.
func runMage(t *testing.T, dir, mage string, env []string, args ...string) ran {
	t.Helper()
	cmd := exec.Command(mage, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, _ := cmd.CombinedOutput()
	return ran{string(out), cmd.ProcessState.ExitCode()}
}

const optionTasks = `version: 1
components:
  probe: {path: PROBE}
tasks:
  shared: {component: probe, args: [lines, "1", shared]}
  left: {component: probe, args: [lines, "1", left], deps: [shared]}
  right: {component: probe, args: [lines, "1", right], deps: [shared]}
  saved:
    component: probe
    args: [lines, "1", saved]
    stdout: {file: saved.txt}
    inputs: [wasmtasks.yaml]
    outputs: [saved.txt]
`

// TestOneSummaryPerInvocation: a target whose mg.Deps names two tasks (which
// run as two Run calls at once) ends with one summary of the three tasks,
// not one per call; a later call lists only what no summary listed.
func TestOneSummaryPerInvocation(t *testing.T) {
	dir, mage := compiledMagefile(t, optionTasks, `
// Steps runs left, then right: two calls one after the other.
func Steps() {
	mg.Deps(wasmtasks.Task("left"))
	mg.Deps(wasmtasks.Task("right"))
}
`)
	r := runMage(t, dir, mage, nil, "both")
	if got := counts.FindAllString(r.out, -1); r.status != 0 || len(got) != 1 || got[0] != "3 tasks: 3 ran" {
		t.Errorf("mage both: exit %d, summaries %q; want one, 3 tasks: 3 ran\n%s", r.status, got, r.out)
	}
	r = runMage(t, dir, mage, nil, "steps")
	if got := counts.FindAllString(r.out, -1); r.status != 0 || strings.Join(got, "|") != "2 tasks: 2 ran|1 task: 1 ran" {
		t.Errorf("mage steps: exit %d, summaries %q; want 2 tasks: 2 ran, then 1 task: 1 ran\n%s", r.status, got, r.out)
	}
}

// TestMageOptions: the magefile sets the options the command's flags set,
// and environment variables override them for one run; a bad value is a
// usage error (exit 2) that names the variable.
func TestMageOptions(t *testing.T) {
	dir, mage := compiledMagefile(t, optionTasks, `
func init() {
	wasmtasks.Options.Summary = "full"
	wasmtasks.Options.Output = "grouped"
}
`)
	r := runMage(t, dir, mage, nil, "run:task", "saved")
	if r.status != 0 || !strings.Contains(r.out, "TASK   STATUS") || !strings.Contains(r.out, "wasmtasks: [saved] started") {
		t.Errorf("the magefile's Summary full: exit %d\n%s", r.status, r.out)
	}
	r = runMage(t, dir, mage, []string{"WASMTASKS_SUMMARY=short", "WASMTASKS_QUIET=true"}, "run:task", "saved")
	if r.status != 0 || strings.Contains(r.out, "TASK") || strings.Contains(r.out, "started") || !strings.Contains(r.out, "1 task: 1 up to date") {
		t.Errorf("WASMTASKS_SUMMARY=short WASMTASKS_QUIET=true: exit %d\n%s", r.status, r.out)
	}
	r = runMage(t, dir, mage, []string{"WASMTASKS_FORCE=1", "WASMTASKS_SUMMARY=short"}, "run:task", "saved")
	if r.status != 0 || !strings.Contains(r.out, "1 task: 1 ran") {
		t.Errorf("WASMTASKS_FORCE=1 did not run an up-to-date task: exit %d\n%s", r.status, r.out)
	}
	r = runMage(t, dir, mage, []string{"WASMTASKS_JOBS=1", "WASMTASKS_OUTPUT=interleaved"}, "run:task", "left")
	if r.status != 0 || strings.Contains(r.out, "[left] left") || !strings.Contains(r.out, "\nleft line 0") {
		t.Errorf("WASMTASKS_OUTPUT=interleaved still prefixes: exit %d\n%s", r.status, r.out)
	}
	for _, env := range []string{"WASMTASKS_JOBS=many", "WASMTASKS_JOBS=0", "WASMTASKS_FORCE=perhaps", "WASMTASKS_KEEP_GOING=yes please",
		"WASMTASKS_OUTPUT=fancy", "WASMTASKS_QUIET=2", "WASMTASKS_SUMMARY=verbose"} {
		r = runMage(t, dir, mage, []string{env}, "run:task", "left")
		name, _, _ := strings.Cut(env, "=")
		if r.status != exitcode.Usage || !strings.Contains(r.out, name) || strings.Contains(r.out, "left line") {
			t.Errorf("%s: exit %d, want %d and an error that names %s before anything runs\n%s", env, r.status, exitcode.Usage, name, r.out)
		}
	}
}
