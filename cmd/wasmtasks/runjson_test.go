package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRunJSON runs tasks that run, fail, are kept from running and are up
// to date with --json: the last line on stderr says what became of each
// and where its program's code came from, in words a script can match.
func TestRunJSON(t *testing.T) {
	dir := taskDir(t, `version: 1
components:
  probe: {path: PROBE}
tasks:
  make: {component: probe, args: [args, hi], stdout: {file: out/made.txt}}
  fails: {component: probe, args: [fail, "it broke"], deps: [make]}
  after: {component: probe, args: [args], deps: [fails]}
`)
	type row struct {
		Task     string
		Status   string
		Program  string
		ExitCode *int `json:"exit_code"`
		Error    string
		Cause    string
	}
	run := func() (int, map[string]row) {
		t.Helper()
		r := wasmtasks(t, dir, "", "run", "--json", "-j", "1", "--keep-going")
		lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
		var report struct{ Tasks []row }
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &report); err != nil {
			t.Fatalf("the last line on stderr is not the JSON report: %v\n%s", err, r.stderr)
		}
		rows := map[string]row{}
		for _, r := range report.Tasks {
			rows[r.Task] = r
		}
		return r.status, rows
	}
	status, rows := run()
	if status != 1 {
		t.Errorf("exit status %d, want 1", status)
	}
	if r := rows["make"]; r.Status != "ran" || (r.Program != "compiled" && r.Program != "stored") || r.ExitCode == nil || *r.ExitCode != 0 {
		t.Errorf("make: %+v, want ran with a compiled or stored program and exit code 0", r)
	}
	if r := rows["fails"]; r.Status != "failed" || r.ExitCode == nil || *r.ExitCode != 1 || r.Error != "exit status 1" {
		t.Errorf("fails: %+v, want failed with exit code 1", r)
	}
	if r := rows["after"]; r.Status != "dep_failed" || r.Cause != "fails" || r.Program != "" || r.ExitCode != nil {
		t.Errorf("after: %+v, want dep_failed because of fails, no program, no exit code", r)
	}
	_, rows = run()
	if r := rows["make"]; r.Status != "up_to_date" || r.Program != "" || r.ExitCode != nil {
		t.Errorf("make on the second run: %+v, want up_to_date with no program loaded", r)
	}
	if r := rows["fails"]; r.Status != "failed" || r.Program != "stored" {
		t.Errorf("fails on the second run: %+v, want failed with its code from the store", r)
	}
}

// TestRunJSONWhenNothingRuns: a run that stops before any task (a task
// file error, a bad flag value, an unknown task) still ends with the JSON
// report, with no tasks, and exits 2: a script reading the last line need
// not tell these apart from a run by parsing text. A task file error used
// to end with its message instead, while an unknown task ended with JSON.
func TestRunJSONWhenNothingRuns(t *testing.T) {
	dir := taskDir(t, "version: 1\ncomponents:\n  c: {path: nothere.wasm}\ntasks:\n  t: {component: c}\n")
	good := taskDir(t, "version: 1\ntasks: {}\n")
	for _, c := range []struct {
		dir  string
		args []string
	}{
		{dir, nil},
		{good, []string{"nosuch"}},
		{good, []string{"--memory-budget", "0"}},
		{good, []string{"--remote-cache", "ftp://x"}},
	} {
		r := wasmtasks(t, c.dir, "", append([]string{"run", "--json"}, c.args...)...)
		lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
		var report struct{ Tasks []json.RawMessage }
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &report); err != nil || report.Tasks == nil || len(report.Tasks) != 0 {
			t.Errorf("%q: the last line on stderr is not an empty JSON report (%v)\n%s", c.args, err, r.stderr)
		}
		if r.status != 2 || len(lines) < 2 {
			t.Errorf("%q: exit status %d with %d lines on stderr, want 2 and the error before the report", c.args, r.status, len(lines))
		}
	}
}
