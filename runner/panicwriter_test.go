package runner_test

import (
	"errors"
	"testing"

	"github.com/wasmtasks/wasmtasks/runner"
)

// panicWriter is a user's writer with a bug: it panics on the first write.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("bug in the writer") }

// panicReader panics on the first read.
type panicReader struct{}

func (panicReader) Read([]byte) (int, error) { panic("bug in the reader") }

// TestPanickingStreamFailsTheRun is part of bug 4: a Stdout, Stderr or
// Stdin of the Go API that panics must not take the process down (which
// leaves the pending outputs of every task behind): Run fails with an
// error that matches runner.ErrStreamPanicked.
func TestPanickingStreamFailsTheRun(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		for _, tt := range []struct {
			name string
			args []string
			set  func(*runner.Cmd)
		}{
			{"stdout", []string{"lines", "1000", "x"}, func(c *runner.Cmd) { c.Stdout = panicWriter{} }},
			{"stderr", []string{"fail", "oops"}, func(c *runner.Cmd) { c.Stderr = panicWriter{} }},
			{"stdin", []string{"cat"}, func(c *runner.Cmd) { c.Stdin = panicReader{} }},
		} {
			t.Run(kind+"/"+tt.name, func(t *testing.T) {
				cmd := eng.Command(path, tt.args...)
				tt.set(cmd)
				_, _, _, err := run(t, cmd)
				if !errors.Is(err, runner.ErrStreamPanicked) {
					t.Fatalf("got %v, want an error matching ErrStreamPanicked", err)
				}
				t.Log(err)
			})
		}
	}
}
