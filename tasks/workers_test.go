package tasks

import (
	"context"
	"runtime"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/syncbuf"
)

// TestHugeJobsStartsWorkersAsNeeded: -j is a limit, not a pool size. A
// nonsense -j (a typo of 10000000, or "as many as you like") started that
// many worker goroutines at the first task, stacks and all, and kept them
// until Close: -j 100000000 ran the process out of memory to run one task.
// Workers start when tasks are ready for them, so a run of two tasks
// starts at most two.
func TestHugeJobsStartsWorkersAsNeeded(t *testing.T) {
	p, _ := project(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  one: {component: probe, args: [args]}
  two: {component: probe, args: [args], deps: [one]}
`)
	out := &syncbuf.Buffer{}
	r, err := NewRunner(p, Options{Jobs: 20_000, Engine: testEngine(t), Stdout: out, Stderr: out})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	before := runtime.NumGoroutine()
	if _, err := r.Run(context.Background()); err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	// The run's own goroutines have ended; what is left are its workers.
	if grown := runtime.NumGoroutine() - before; grown > 100 {
		t.Fatalf("%d goroutines left after a run of 2 tasks with -j 20000; want a worker per task at most", grown)
	}
}
