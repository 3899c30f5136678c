package tasks

import (
	"context"
	"runtime"
	"slices"

	"github.com/wasmtasks/wasmtasks/schema"
)

// compileMemory is the memory one compile is assumed to need at most:
// compiling Yosys (a 30.8 MB module) peaks at about 1 GB.
const compileMemory = 1 << 30

// compileSlots is how many programs may compile at once: one per CPU
// (wasmtime spreads one compile over the CPUs too, but parsing, writing
// the store entry and the serial parts of each overlap), and no more than
// the memory budget holds at [compileMemory] each, so that a machine with
// 24 GiB (a budget of 18 GiB) runs at most 18 and never swaps; at least one.
func compileSlots(budget int64) int {
	n := runtime.NumCPU()
	if budget > 0 {
		n = min(n, int(budget/compileMemory))
	}
	return max(n, 1)
}

// precompile starts compiling every distinct program of the plan that is
// neither in memory nor in the store, at most [compileSlots] at once, so
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
			_ = r.engine.Prepare(ctx, path)
		})
	}
}
