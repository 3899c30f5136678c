package main

import (
	"os/exec"
	"syscall"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// TestExecMemoryLimitBoundsResidentMemory: under --memory 64MiB, a guest
// that grows a table by 1 GiB of elements fails to, and the process's peak
// resident memory stays far below that (the old code reached 1 GiB).
func TestExecMemoryLimitBoundsResidentMemory(t *testing.T) {
	cmd := exec.Command(binary, "exec", "--memory", "64MiB", testprog.WAT(t, "tablegrow"))
	err := cmd.Run()
	peak := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // KiB on Linux
	t.Logf("exit status %d (%v), peak resident memory %d MiB", cmd.ProcessState.ExitCode(), err, peak>>20)
	if got := cmd.ProcessState.ExitCode(); got != 1 {
		t.Errorf("exit status %d, want 1 (table.grow failed)", got)
	}
	if peak > 256<<20 {
		t.Errorf("peak resident memory %d MiB under a 64 MiB limit", peak>>20)
	}
}
