package wasmtasks_test

import (
	"github.com/wasmtasks/wasmtasks/internal/syncbuf"

	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
)

// TestSameExitStatusAsCommand runs the real wasmtasks command and a real
// compiled magefile that imports this package on the same outcomes: both
// must exit with the status that internal/exitcode names for it.
func TestSameExitStatusAsCommand(t *testing.T) {
	good := `version: 1
components:
  probe: {path: PROBE}
tasks:
  left: {component: probe, args: [args, left-ran]}
  right: {component: probe, args: [args, right-ran]}
  broken: {component: probe, args: [fail, "broken on purpose"]}
  waits: {component: probe, args: [interval, "600000"]}
`
	dir := importer(t, good)
	bin := t.TempDir()
	t.Setenv("WASMTASKS_CACHE_DIR", t.TempDir())
	t.Setenv("MAGEFILE_CACHE", t.TempDir())
	wasmtasks, mage := filepath.Join(bin, "wasmtasks"), filepath.Join(bin, "mage")
	goCmd(t, root(t), 0, "build", "-o", wasmtasks, "./cmd/wasmtasks")
	goCmd(t, dir, 0, "tool", "mage", "-compile", mage)

	bad := "version: 1\ntasks:\n  a: {component: nope}\n"
	tests := []struct {
		name       string
		file       string // the task file, if not good
		cli, magef []string
		interrupt  bool
		want       int
	}{
		{"tasks ran", good, []string{"run", "left"}, []string{"run:task", "left"}, false, exitcode.OK},
		{"tasks ran under mg.Deps", good, []string{"run", "left", "right"}, []string{"both"}, false, exitcode.OK},
		{"task failed", good, []string{"run", "broken"}, []string{"run:task", "broken"}, false, exitcode.Failed},
		{"all tasks, one failed", good, []string{"run"}, []string{"run:all"}, false, exitcode.Failed},
		{"unknown task", good, []string{"run", "nope"}, []string{"run:task", "nope"}, false, exitcode.Usage},
		{"bad task file, check", bad, []string{"validate"}, []string{"check"}, false, exitcode.Usage},
		{"bad task file, run", bad, []string{"run"}, []string{"run:all"}, false, exitcode.Usage},
		{"interrupted", good, []string{"run", "waits"}, []string{"run:task", "waits"}, true, exitcode.Interrupted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(taskFile(t, tt.file)), 0o644); err != nil {
				t.Fatal(err)
			}
			cli := frontEnd(t, dir, wasmtasks, tt.cli, tt.interrupt)
			mg := frontEnd(t, dir, mage, tt.magef, tt.interrupt)
			if cli.status != tt.want || mg.status != tt.want {
				t.Errorf("wasmtasks %s: %d, mage %s: %d; want %d for both\n--- wasmtasks\n%s--- mage\n%s",
					strings.Join(tt.cli, " "), cli.status, strings.Join(tt.magef, " "), mg.status, tt.want, cli.out, mg.out)
			}
		})
	}
}

// taskFile puts the probe component in for PROBE, as importer does.
func taskFile(t *testing.T, yaml string) string {
	return strings.ReplaceAll(yaml, "PROBE", probe(t))
}

// ran is what a front end printed and its exit status.
type ran struct {
	out    string
	status int
}

// frontEnd runs bin with args in dir; with interrupt, it sends SIGINT once
// the task has started (printed "[task] start …").
func frontEnd(t *testing.T, dir, bin string, args []string, interrupt bool) ran {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out := &syncbuf.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if interrupt {
		deadline := time.Now().Add(60 * time.Second)
		for !strings.Contains(out.String(), "] start ") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGINT)
	}
	cmd.Wait()
	return ran{out.String(), cmd.ProcessState.ExitCode()}
}
