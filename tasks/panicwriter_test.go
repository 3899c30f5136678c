package tasks

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasmtasks/wasmtasks/runner"
)

// panicWriter is a user's writer with a bug: it panics on every write.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("bug in the writer") }

// TestPanickingConsoleFailsTheTask is part of bug 4: a Go program that
// gives the Runner a Stderr writer that panics must not lose the process
// with a task's output file half written beside its target. The task
// fails, its output is not written, and no temporary file stays.
func TestPanickingConsoleFailsTheTask(t *testing.T) {
	for _, mode := range []string{Prefixed, Grouped, Interleaved} {
		t.Run(mode, func(t *testing.T) {
			p, dir := projectWith(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  both: {component: probe, args: [both, "50"], stdout: {file: out/both.txt}}
`, "out")
			r, err := NewRunner(p, Options{Output: mode, Stdout: panicWriter{}, Stderr: panicWriter{}, Engine: testEngine(t)})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			sum, err := r.Run(context.Background())
			var fe *FailedError
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want the task to fail", err)
			}
			if !errors.Is(sum[0].Err, runner.ErrStreamPanicked) {
				t.Errorf("the task's error is %v, want one matching runner.ErrStreamPanicked", sum[0].Err)
			}
			des, _ := os.ReadDir(filepath.Join(dir, "out"))
			for _, de := range des {
				t.Errorf("out/%s was left behind", de.Name())
			}
		})
	}
}
