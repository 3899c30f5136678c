package main

import (
	"bufio"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// stopBound is how long exec may take to exit once stopped; the old code
// took the guest's whole sleep (60 s) or never exited.
const stopBound = 10 * time.Second

// startExec starts `wasmtasks exec` with stdin from a pipe that the test
// holds open and never writes, and waits until the guest printed its first
// line (so it runs) when wantLine is set.
func startExec(t *testing.T, wantLine bool, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"exec"}, args...)...)
	stdin, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	cmd.Stdin = stdin
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stdin.Close()
	t.Cleanup(func() { cmd.Process.Kill() })
	lines := bufio.NewScanner(out)
	if wantLine && !lines.Scan() {
		t.Fatalf("the guest printed nothing: %v", lines.Err())
	}
	go func() {
		for lines.Scan() {
		}
	}()
	return cmd
}

// waitExit waits for the command's exit status, failing after stopBound.
func waitExit(t *testing.T, cmd *exec.Cmd, since time.Time) int {
	t.Helper()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(stopBound):
		t.Fatalf("exec has not exited %v after it was stopped", stopBound)
	}
	t.Logf("exited %v after it was stopped", time.Since(since))
	return cmd.ProcessState.ExitCode()
}

// TestExecStopsBlockedGuest: `wasmtasks exec` ends promptly, with the
// status of the stop, when its guest is blocked in a host call: a sleep or
// a read of an inherited stdin that never yields.
func TestExecStopsBlockedGuest(t *testing.T) {
	for kind, path := range map[string]string{
		"module":    testprog.Module(t, "probe"),
		"component": testprog.Component(t, "probe"),
	} {
		for _, tt := range []struct {
			name   string
			args   []string
			line   bool
			signal syscall.Signal
			want   int
		}{
			{"sleep/SIGTERM", []string{path, "interval", "60000"}, true, syscall.SIGTERM, exitcode.Interrupted},
			{"sleep/SIGINT", []string{path, "interval", "60000"}, true, syscall.SIGINT, exitcode.Interrupted},
			{"sleep/timeout", []string{"--timeout", "1s", path, "interval", "60000"}, true, 0, exitcode.Timeout},
			{"stdin/SIGTERM", []string{path, "cat"}, false, syscall.SIGTERM, exitcode.Interrupted},
			{"stdin/timeout", []string{"--timeout", "1s", path, "cat"}, false, 0, exitcode.Timeout},
		} {
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				cmd := startExec(t, tt.line, tt.args...)
				stopped := time.Now().Add(time.Second)
				if tt.signal != 0 {
					// Let a guest that prints nothing reach its read.
					time.Sleep(500 * time.Millisecond)
					stopped = time.Now()
					cmd.Process.Signal(tt.signal)
				}
				if got := waitExit(t, cmd, stopped); got != tt.want {
					t.Errorf("exit status %d, want %d", got, tt.want)
				}
			})
		}
	}
}
