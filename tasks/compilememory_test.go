package tasks

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
)

// compileWatch is an engine's OnCompile that counts how many compiles run
// at once. So that the count does not depend on how fast a machine
// compiles, each compile but the last waits at its start until another
// compile runs beside it, or until blocked reports that none can start
// now (then the runner has held one back, which is what the tests look
// for).
type compileWatch struct {
	want    int         // compiles the run makes
	blocked func() bool // whether no other compile can start now

	mu               sync.Mutex
	now, most, total int
}

func (w *compileWatch) hook(int64) func() {
	w.mu.Lock()
	w.now++
	w.total++
	w.most = max(w.most, w.now)
	last := w.total >= w.want
	w.mu.Unlock()
	for !last {
		w.mu.Lock()
		beside := w.now > 1
		w.mu.Unlock()
		if beside || w.blocked() {
			break
		}
		time.Sleep(time.Millisecond)
	}
	return func() {
		w.mu.Lock()
		w.now--
		w.mu.Unlock()
	}
}

// queued reports whether a task or a compile waits for the budget.
func (r *Runner) queued() bool {
	r.budget.mu.Lock()
	defer r.budget.mu.Unlock()
	return len(r.budget.queue) > 0
}

// watchedRunner returns a runner of the project on a new engine whose
// compiles w watches, with blocked defaulting to the budget's queue. An
// empty store means a new one.
func watchedRunner(t *testing.T, p *Project, w *compileWatch, budget int64, store string) (*Runner, *strings.Builder) {
	t.Helper()
	if store == "" {
		store = t.TempDir()
	}
	eng, err := runner.NewEngine(runner.Options{StoreDir: store, OnCompile: w.hook})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	var out strings.Builder
	var mu sync.Mutex
	w2 := writerFunc(func(b []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return out.Write(b) })
	r, err := NewRunner(p, Options{Engine: eng, Stdout: w2, Stderr: w2, Jobs: 4, MemoryBudget: budget})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if w.blocked == nil {
		w.blocked = r.queued
	}
	return r, &out
}

const twoPrograms = `
version: 1
components:
  probe: {path: PROBE}
  core: {path: CORE}
tasks:
  a: {component: probe, args: [args, a]}
  b: {component: core, args: [args, b]}
`

// TestOwnCompilesShareTheMemoryBudget: tasks that compile their programs
// themselves (here two Run calls at once, each with one program, so that
// nothing is compiled ahead; in real life also a program whose tasks may
// come from the remote cache and missed) reserve the compile's memory from
// the budget: under a budget that holds one compile, the second waits for
// the first to end. Before, only compiles ahead were capped.
func TestOwnCompilesShareTheMemoryBudget(t *testing.T) {
	p, _ := project(t, twoPrograms)
	w := &compileWatch{want: 2}
	r, out := watchedRunner(t, p, w, runner.CompileMemory(0)*3/2, "")
	var wg sync.WaitGroup
	for _, name := range []string{"a", "b"} {
		wg.Go(func() {
			if _, err := r.Run(context.Background(), name); err != nil {
				t.Errorf("run %s: %v", name, err)
			}
		})
	}
	wg.Wait()
	if w.total != 2 || w.most != 1 {
		t.Errorf("%d compiles, %d at once at most; want 2, one at a time:\n%s", w.total, w.most, out)
	}
}

// TestCompilesAheadShareTheMemoryBudget: programs compiled ahead of their
// tasks reserve their compile's memory too, one at a time under a budget
// that holds one compile; under a budget smaller than any compile, each
// still compiles, alone, and the tasks run.
func TestCompilesAheadShareTheMemoryBudget(t *testing.T) {
	for _, budget := range []int64{runner.CompileMemory(0) * 3 / 2, 1 << 20, 1} {
		p, _ := project(t, twoPrograms)
		w := &compileWatch{want: 2}
		r, out := watchedRunner(t, p, w, budget, "")
		sum, err := r.Run(context.Background())
		if err != nil {
			t.Fatalf("budget %d: %v\n%s", budget, err, out)
		}
		if len(sum) != 2 || w.total != 2 || w.most != 1 {
			t.Errorf("budget %d: %d compiles, %d at once at most, %d tasks; want 2, one at a time, 2:\n%s", budget, w.total, w.most, len(sum), out)
		}
	}
}

// TestSmallCompilesRunTogether: compiles ahead of small programs run side
// by side on a machine whose budget is small, as far as the CPUs allow.
// Before, each compile was assumed to take 1 GiB, and a budget under
// 2 GiB compiled one program ahead at a time. (The tasks wait for a first
// one whose program is stored, so that they cannot compile their own
// programs beside the compile ahead and hide what it did.)
func TestSmallCompilesRunTogether(t *testing.T) {
	p, _ := project(t, strings.ReplaceAll(`
version: 1
components:
  core: {path: CORE}
  probe: {path: PROBE}
  greet: {path: GREET}
tasks:
  first: {component: core, args: [sleep, "1000"]}
  a: {component: probe, args: [args, a], deps: [first]}
  b: {component: greet, deps: [first]}
`, "GREET", testprog.Module(t, "greet")))
	store := t.TempDir()
	pre, err := runner.NewEngine(runner.Options{StoreDir: store})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := pre.Load(testprog.Module(t, "probe")); err != nil {
		t.Fatal(err)
	}
	pre.Close()
	w := &compileWatch{want: 2}
	r, out := watchedRunner(t, p, w, 256<<20, store)
	w.blocked = func() bool { return cap(r.compileSem) < 2 }
	if _, err := r.Run(context.Background()); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := min(2, runtime.NumCPU()); w.total != 2 || w.most < want {
		t.Errorf("%d compiles, at most %d at once under a 256 MiB budget; want 2, %d at once", w.total, w.most, want)
	}
}
