package runner_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
)

// compileStopBound is how long Run may take once cancelled during a
// compile; the old code waited for the whole compile (3.5 s and more).
const compileStopBound = time.Second

// TestCancelDuringCompile is bug 5: Ctrl-C while a big program compiles
// waited for the compile to end (the C API cannot cancel one). Run must
// return promptly, with the stop and a note that the program was still
// compiling, and the compile must go on: a later run of the same program
// on the engine gets its code, and the store keeps it.
func TestCancelDuringCompile(t *testing.T) {
	path := testprog.SlowCompile(t)
	dir := t.TempDir()
	eng, err := runner.NewEngine(runner.Options{StoreDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = eng.Command(path).Run(ctx)
	took := time.Since(start)
	t.Logf("Run returned after %v: %v", took, err)
	if err == nil {
		t.Fatal("the program compiled and ran within 200ms; make testprog.SlowCompile slower")
	}
	if took > compileStopBound {
		t.Errorf("Run took %v after its context ended at 200ms; want at most %v", took, compileStopBound)
	}
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, runner.ErrStillCompiling) {
		t.Errorf("got %v, want the stop, matching context.DeadlineExceeded and runner.ErrStillCompiling", err)
	}
	// The compile went on: the next run of the program uses its code.
	res, err := eng.Command(path).Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Source != runner.Memory {
		t.Errorf("the next run's code came from %v, want the compile already under way (memory)", res.Source)
	}
	eng2, err := runner.NewEngine(runner.Options{StoreDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer eng2.Close()
	if _, src, err := eng2.Load(path); err != nil || src != runner.Stored {
		t.Errorf("a new engine loaded the program from %v (%v), want the store", src, err)
	}
}

// TestCloseDuringCompile: an engine closed while a stopped run's program
// still compiles returns at once, and is freed when the compile ends
// (under -race, a use after free shows up while a second engine compiles
// the same program).
func TestCloseDuringCompile(t *testing.T) {
	path := testprog.SlowCompile(t)
	eng, err := runner.NewEngine(runner.Options{NoStore: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := eng.Command(path).Run(ctx); !errors.Is(err, runner.ErrStillCompiling) {
		t.Fatalf("got %v, want a stop while compiling", err)
	}
	start := time.Now()
	eng.Close()
	if took := time.Since(start); took > compileStopBound {
		t.Errorf("Close took %v; it must not wait for the compile", took)
	}
	// Outlive the first compile: it ends while this one runs.
	eng2, err := runner.NewEngine(runner.Options{NoStore: true})
	if err != nil {
		t.Fatal(err)
	}
	defer eng2.Close()
	if _, _, err := eng2.Load(path); err != nil {
		t.Fatal(err)
	}
}
