package tasks

import (
	"github.com/wasmtasks/wasmtasks/internal/syncbuf"

	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// calls is a task file for Runners that serve several Run calls.
const calls = `
version: 1
components:
  probe: {path: PROBE}
tasks:
  bad: {component: probe, args: [fail, "something broke"], deps: [setup]}
  setup: {component: probe, args: [sleep, "100"]}
  slow: {component: probe, args: [sleep, "3000"]}
  late: {component: probe, args: [args], deps: [slow]}
  quick: {component: probe, args: [args]}
  shared: {component: probe, args: [interval, "2000"]}
`

func newCallsRunner(t *testing.T, out *syncbuf.Buffer) *Runner {
	t.Helper()
	p, _ := project(t, calls)
	r, err := NewRunner(p, Options{Jobs: 4, Engine: testEngine(t), Stdout: out, Stderr: out})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func statusOf(sum Summary, task string) Status {
	for _, r := range sum {
		if r.Task == task {
			return r.Status
		}
	}
	return -1
}

// TestFailureDoesNotStopLaterRuns: a failure cancels the rest of its own Run
// call only. A later call of the same Runner runs an independent task, and
// runs again a task that the failed call stopped before it started.
func TestFailureDoesNotStopLaterRuns(t *testing.T) {
	r := newCallsRunner(t, &syncbuf.Buffer{})
	sum, err := r.Run(context.Background(), "bad", "late")
	var fe *FailedError
	if !errors.As(err, &fe) || statusOf(sum, "bad") != Failed || statusOf(sum, "late") != NotRun {
		t.Fatalf("first call: %v, %v; want bad failed and late not run", sum, err)
	}
	for _, task := range []string{"quick", "late"} {
		sum, err = r.Run(context.Background(), task)
		if err != nil || statusOf(sum, task) != Ran {
			t.Errorf("later call of %s: %v (status %v), want it run", task, err, statusOf(sum, task))
		}
	}
}

// TestOverlappingRunsShareTasks: two Run calls at once (as mage's Deps makes
// them) share a task, which runs once; a failure in one call does not stop
// the shared task that the other call still waits for.
func TestOverlappingRunsShareTasks(t *testing.T) {
	out := &syncbuf.Buffer{}
	r := newCallsRunner(t, out)
	type ran struct {
		sum Summary
		err error
	}
	waiting := make(chan ran, 1)
	go func() {
		sum, err := r.Run(context.Background(), "shared")
		waiting <- ran{sum, err}
	}()
	for !strings.Contains(out.String(), "[shared] start ") {
		time.Sleep(5 * time.Millisecond)
	}
	sum, err := r.Run(context.Background(), "bad", "shared")
	var fe *FailedError
	if !errors.As(err, &fe) || statusOf(sum, "bad") != Failed {
		t.Errorf("failing call: %v, %v; want bad failed", sum, err)
	}
	w := <-waiting
	if w.err != nil || statusOf(w.sum, "shared") != Ran {
		t.Errorf("waiting call: %v, %v; want shared run", w.sum, w.err)
	}
	if n := strings.Count(out.String(), "[shared] start "); n != 1 {
		t.Errorf("shared started %d times, want once:\n%s", n, out.String())
	}
}
