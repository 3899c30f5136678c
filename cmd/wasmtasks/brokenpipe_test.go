package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
)

// pendingTasks has a task that talks on stdout while another writes an
// output file, so that a stop finds a temporary output beside out/slow.txt.
const pendingTasks = `version: 1
components:
  probe: {path: PROBE}
tasks:
  talk: {component: probe, args: [lines, "100000000", x]}
  slow:
    component: probe
    args: [interval, "60000"]
    stdout: {file: out/slow.txt}
`

// temporaries lists the files in out/ that are not real outputs.
func temporaries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(filepath.Join(dir, "out"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var tmp []string
	for _, de := range des {
		if strings.HasPrefix(de.Name(), ".") {
			tmp = append(tmp, de.Name())
		}
	}
	return tmp
}

// TestRunBrokenStdout is bug 4: `wasmtasks run … | true` died of SIGPIPE
// (status 141 from the shell) at its first write, leaving the temporary
// output of the task that was writing a file. It must stop the tasks,
// remove their pending outputs and exit 141 itself.
func TestRunBrokenStdout(t *testing.T) {
	dir := taskDir(t, pendingTasks)
	os.Mkdir(filepath.Join(dir, "out"), 0o755)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close() // as `| true` does: nobody will ever read
	cmd := exec.Command(binary, "run", "-j", "2")
	cmd.Dir = dir
	cmd.Stdout = w
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	start := time.Now()
	status := waitExit(t, cmd, start)
	if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); ws.Signaled() {
		t.Errorf("killed by %v, want an exit with status %d", ws.Signal(), exitcode.BrokenPipe)
	} else if status != exitcode.BrokenPipe {
		t.Errorf("exit status %d, want %d\n%s", status, exitcode.BrokenPipe, stderr.String())
	}
	if tmp := temporaries(t, dir); len(tmp) > 0 {
		t.Errorf("temporary outputs left behind: %v", tmp)
	}
	if !strings.Contains(stderr.String(), "broken pipe") {
		t.Errorf("stderr does not say why it stopped:\n%s", stderr.String())
	}
}

// TestRunSIGTERMRemovesPendingOutputs: a run stopped by SIGTERM while a
// task writes an output file exits 130 and leaves no temporary file.
func TestRunSIGTERMRemovesPendingOutputs(t *testing.T) {
	dir := taskDir(t, pendingTasks)
	os.Mkdir(filepath.Join(dir, "out"), 0o755)
	cmd := exec.Command(binary, "run", "slow")
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	deadline := time.Now().Add(stopBound)
	for len(temporaries(t, dir)) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if len(temporaries(t, dir)) == 0 {
		t.Fatal("the task never started its output")
	}
	stopped := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	if got := waitExit(t, cmd, stopped); got != exitcode.Interrupted {
		t.Errorf("exit status %d, want %d", got, exitcode.Interrupted)
	}
	if tmp := temporaries(t, dir); len(tmp) > 0 {
		t.Errorf("temporary outputs left behind: %v", tmp)
	}
}
