package main

import (
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
)

// TestRunMemoryBudgetFlag: a budget that is no size, or zero (which would
// silently mean "no budget"), is a usage error.
func TestRunMemoryBudgetFlag(t *testing.T) {
	for _, v := range []string{"0", "-1GiB", "lots"} {
		if r := wasmtasks(t, t.TempDir(), "", "run", "--memory-budget", v); r.status != exitcode.Usage {
			t.Errorf("--memory-budget %s: exit status %d, want %d; stderr %q", v, r.status, exitcode.Usage, r.stderr)
		}
	}
}
