package tasks

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
)

// TestInterruptDuringCompile is bug 5 for tasks (and so for mage): a run
// interrupted while a task's program compiles returns at once, the task
// stopped, and says which program is still compiling.
func TestInterruptDuringCompile(t *testing.T) {
	dir := t.TempDir()
	yaml := "version: 1\ncomponents:\n  big: {path: " + testprog.SlowCompile(t) + "}\ntasks:\n  big: {component: big}\n"
	if err := os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	eng, err := runner.NewEngine(runner.Options{NoStore: true})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	var out, errb bytes.Buffer
	r, err := NewRunner(p, Options{Engine: eng, Stdout: &out, Stderr: &errb})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	sum, err := r.Run(ctx)
	took := time.Since(start)
	t.Logf("Run returned after %v: %v\n%s", took, err, errb.String())
	var ie *InterruptedError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v, want an interrupt", err)
	}
	if took > time.Second {
		t.Errorf("Run took %v, interrupted at 200ms; the compile takes seconds", took)
	}
	if sum[0].Status != Cancelled || !errors.Is(sum[0].Err, runner.ErrStillCompiling) {
		t.Errorf("task %s (%v), want stopped while compiling", sum[0].Status, sum[0].Err)
	}
	if !strings.Contains(errb.String(), "[big] stopped while its program was still compiling") {
		t.Errorf("no word of the compile on stderr:\n%s", errb.String())
	}
}
