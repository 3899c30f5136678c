package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// TestExecRefusesBadFlags checks that flags that would silently mean
// "unlimited", a malformed variable name, and folders that are not there
// are usage errors that say what to write instead.
func TestExecRefusesBadFlags(t *testing.T) {
	mod := testprog.Module(t, "probe")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "file.txt"), []byte("x"), 0o644)
	tests := []struct {
		name      string
		args      []string
		stderrHas string
	}{
		{"memory zero", []string{"--memory", "0"}, "leave --memory out for no limit"},
		{"timeout zero", []string{"--timeout", "0s"}, "leave --timeout out for no limit"},
		{"timeout negative", []string{"--timeout", "-1s"}, "leave --timeout out for no limit"},
		{"env name with a space", []string{"--env", "D E=2"}, `"D E" is not a valid variable name`},
		{"env without a name", []string{"--env", "=2"}, `"" is not a valid variable name`},
		{"dir missing", []string{"--dir", "nope"}, `--dir "nope": no such folder`},
		{"ro-dir is a file", []string{"--ro-dir", "file.txt"}, `--ro-dir "file.txt": not a folder`},
		{"dir with a relative guest path", []string{"--dir", ".::data"}, `guest path "data" is not absolute`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"exec"}, tt.args...), mod, "env")
			r := wasmtasks(t, dir, "", args...)
			if r.status != exitcode.Usage {
				t.Errorf("exit status %d, want %d; stdout %q", r.status, exitcode.Usage, r.stdout)
			}
			if !strings.Contains(r.stderr, tt.stderrHas) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderrHas, r.stderr)
			}
		})
	}
}

// TestExecExitCodes runs real guests that exit with codes that collide
// with exec's own statuses or that wasmtime refuses, and checks the exit
// status and the --json report that tells them apart.
func TestExecExitCodes(t *testing.T) {
	mod, comp := testprog.Module(t, "probe"), testprog.Component(t, "probe")
	code := func(n int) *int { return &n }
	tests := []struct {
		name   string
		args   []string
		status int
		report execReport
	}{
		{"success", []string{mod, "exit", "0"}, 0, execReport{ExitCode: code(0), Reason: "exit"}},
		{"exit 124", []string{mod, "exit", "124"}, 124, execReport{ExitCode: code(124), Reason: "exit"}},
		{"exit 125", []string{mod, "exit", "125"}, 125, execReport{ExitCode: code(125), Reason: "exit"}},
		{"timeout", []string{"--timeout", "100ms", mod, "spin"}, exitcode.Timeout, execReport{Reason: "timeout"}},
		{"exit 126", []string{mod, "exit", "126"}, exitcode.Failed, execReport{Reason: "error"}},
		{"exit 200", []string{mod, "exit", "200"}, exitcode.Failed, execReport{Reason: "error"}},
		{"exit 255", []string{mod, "exit", "255"}, exitcode.Failed, execReport{Reason: "error"}},
		{"component exit 200", []string{comp, "exit", "200"}, 1, execReport{ExitCode: code(1), Reason: "exit"}},
		{"trap", []string{mod, "trap"}, exitcode.Trapped, execReport{Reason: "trap"}},
		{"not runnable", []string{"nope.wasm"}, exitcode.Usage, execReport{Reason: "error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := wasmtasks(t, t.TempDir(), "", append([]string{"exec", "--json"}, tt.args...)...)
			if r.status != tt.status {
				t.Errorf("exit status %d, want %d\nstderr: %s", r.status, tt.status, r.stderr)
			}
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			var got execReport
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &got); err != nil {
				t.Fatalf("last line of stderr is not the JSON report: %v\n%s", err, r.stderr)
			}
			if got.Status != tt.status || got.Reason != tt.report.Reason || !sameCode(got.ExitCode, tt.report.ExitCode) {
				t.Errorf("report %+v (exit_code %v), want reason %s exit_code %v status %d", got, deref(got.ExitCode), tt.report.Reason, deref(tt.report.ExitCode), tt.status)
			}
			if (got.Error != "") != (tt.report.Reason != "exit") {
				t.Errorf("report error %q for reason %s", got.Error, got.Reason)
			}
		})
	}
}

func sameCode(a, b *int) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}
