package tasks

import (
	"context"
	"runtime"
	"slices"

	"github.com/wasmtasks/wasmtasks/schema"
)

// compileSlots is how many programs may compile ahead at once: one per
// CPU (wasmtime spreads one compile over the CPUs too, but parsing,
// writing the store entry and the serial parts of each overlap), at least
// one. Memory is the budget's business: each compile reserves
// [runner.CompileMemory] of its program's size there.
func compileSlots() int { return max(runtime.NumCPU(), 1) }

// compileNeed is what the task must reserve of the memory budget for a
// compile of its program that its own run would do: 0 when the program is
// compiled, being compiled (by a compile ahead, which reserved its own) or
// stored. A program once found so is not looked at again in this Runner.
// The task holds the reservation, at least its own memory limit, while it
// runs; a compile never waits for the budget while a task that holds some
// waits for that compile, so the budget cannot deadlock.
func (r *Runner) compileNeed(t *schema.Task) int64 {
	prog, ok := r.project.resolvedProgram(t.Component.Name)
	if !ok || prog.path == "" {
		return 0
	}
	if _, ok := r.compiled.Load(prog.path); ok {
		return 0
	}
	need, err := r.engine.CompileNeed(prog.path)
	if err != nil {
		return 0 // the run reports it
	}
	if need == 0 {
		r.compiled.Store(prog.path, true)
	}
	return need
}

// precompile starts compiling every distinct program of the plan that is
// neither in memory nor in the store, at most [compileSlots] at once and
// each after reserving its [runner.CompileMemory] of the budget, so
// that tasks waiting for their dependencies find their code ready: a cold
// run then takes about as long as its slowest compile, not the sum. A
// task that needs a program being compiled waits for that compile. Errors
// are left for the task's own run to report. [Runner.Close] waits for the
// calls, which return when ctx ends (the compiles go on in the engine).
//
// A program whose every task may find its result in the remote cache is
// left out: on a cold machine with a warm cache it is never needed (Yosys
// costs 15-50 s to compile, or 121 MB to fetch), and on a miss its task
// compiles it when it starts, as a task does without this.
func (r *Runner) precompile(ctx context.Context, plan []*schema.Task) {
	needed := map[string]bool{} // by path: false while only remote candidates use it
	var paths []string
	for _, t := range plan {
		prog, ok := r.project.resolvedProgram(t.Component.Name)
		if !ok || prog.path == "" {
			continue
		}
		if _, seen := needed[prog.path]; !seen {
			paths = append(paths, prog.path)
		}
		needed[prog.path] = needed[prog.path] || !r.mayShare(r.project.spec(t))
	}
	if len(paths) < 2 {
		return // nothing to overlap: the task compiles its program itself
	}
	paths = slices.DeleteFunc(paths, func(p string) bool { return !needed[p] })
	for _, path := range paths {
		r.compiling.Go(func() {
			r.compileSem <- struct{}{}
			defer func() { <-r.compileSem }()
			need, err := r.engine.CompileNeed(path)
			if err != nil || need == 0 {
				return // compiled, or its task reports the error
			}
			reserved, err := r.budget.acquire(ctx, need)
			if err != nil {
				return
			}
			defer r.budget.release(reserved)
			_ = r.engine.Prepare(ctx, path)
		})
	}
}
