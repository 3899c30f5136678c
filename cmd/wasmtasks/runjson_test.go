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
