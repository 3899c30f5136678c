package tasks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/safefs"
	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/schema"
	"github.com/wasmtasks/wasmtasks/source"
)

// Options configure a [Runner]. The zero value runs with one job per CPU,
// prefixed output on the process's stdout and stderr, and a new engine.
type Options struct {
	// Jobs is how many tasks may run at once; 0 means the number of CPUs.
	Jobs int
	// Output is Prefixed, Grouped or Interleaved; "" means Prefixed when
	// tasks can run in parallel and Interleaved (the raw output) when
	// Jobs is 1.
	Output string
	// KeepGoing runs every task that does not depend on a failed one,
	// instead of stopping at the first failure.
	KeepGoing bool
	// Force runs tasks even when they are up to date.
	Force bool
	// Stdout and Stderr receive the tasks' output and wasmtasks' own
	// messages; nil means the process's.
	Stdout, Stderr io.Writer
	// MemoryBudget caps the sum of the memory limits of the tasks running
	// at once: a task waits, first come first served, until its limit fits.
	// A task whose limit exceeds the whole budget runs alone; a task without
	// a limit reserves nothing. 0 means three quarters of the machine's
	// physical memory (no budget where that is unknown); negative means no
	// budget.
	MemoryBudget int64
	// Engine runs the programs. Nil means a new engine on the store that
	// [Project.StoreDir] names, closed by [Runner.Close].
	Engine *runner.Engine
	// Logger receives warnings; nil means slog.Default().
	Logger *slog.Logger
	// Sources obtains the programs of components with go:, url: or oci:
	// and the archive folders tasks mount. Nil means one that keeps them
	// in the engine's store ([NewFetcher]), with download progress on
	// Stderr.
	Sources *source.Fetcher
}

// Runner runs the tasks of a project. Within one Runner each task runs at
// most once, however many Run calls ask for it: later calls get the first
// run's result. A Runner is safe for concurrent use.
type Runner struct {
	project   *Project
	opts      Options
	engine    *runner.Engine
	ownEngine bool
	console   *console
	state     stateFile
	slots     chan struct{}
	roots     []string      // where guests could have planted symlinks
	guard     *safefs.Guard // opens task-named files under roots' rule
	outputs   outputLocks   // one task at a time writes an output file
	budget    *budget       // nil: no memory budget

	ctx    context.Context // cancelled at the first failure unless KeepGoing
	cancel context.CancelFunc

	mu    sync.Mutex
	nodes map[string]*node
}

// node is one task's run within a Runner.
type node struct {
	task *schema.Task
	deps []*node
	done chan struct{}
	res  Result
}

// NewRunner prepares to run the project's tasks.
func NewRunner(p *Project, opts Options) (*Runner, error) {
	if opts.Jobs <= 0 {
		opts.Jobs = runtime.NumCPU()
	}
	if opts.MemoryBudget == 0 {
		opts.MemoryBudget = defaultBudget()
	}
	switch opts.Output {
	case "":
		opts.Output = Prefixed
		if opts.Jobs == 1 {
			opts.Output = Interleaved
		}
	case Prefixed, Grouped, Interleaved:
	default:
		return nil, &UsageError{fmt.Sprintf("unknown output mode %q; want prefixed, grouped or interleaved", opts.Output)}
	}
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	r := &Runner{
		project: p,
		opts:    opts,
		engine:  opts.Engine,
		console: &console{stdout: opts.Stdout, stderr: opts.Stderr, mode: opts.Output},
		state:   stateFile{dir: p.File.Dir + string(os.PathSeparator) + stateDir},
		slots:   make(chan struct{}, opts.Jobs),
		budget:  newBudget(opts.MemoryBudget),
		nodes:   map[string]*node{},
		roots:   p.roots(),
	}
	r.guard = safefs.NewGuard(r.roots...)
	r.state.guard = r.guard
	r.ctx, r.cancel = context.WithCancel(context.Background())
	if r.engine == nil {
		// Without a folder, the engine warns and compiles in memory.
		dir, _ := p.StoreDir("")
		eng, err := runner.NewEngine(runner.Options{StoreDir: dir, Logger: opts.Logger})
		if err != nil {
			return nil, err
		}
		r.engine, r.ownEngine = eng, true
	}
	if err := r.checkStore(); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// checkStore refuses the project when a task could write into the
// engine's store of compiled code or its key, before anything runs.
func (r *Runner) checkStore() error {
	dir := r.engine.StoreDir()
	if dir == "" {
		// The engine keeps no store; protect the one later runs would use.
		var err error
		if dir, err = r.project.StoreDir(""); err != nil {
			return nil // no store folder at all: nothing to protect
		}
	}
	return r.project.CheckStore(dir)
}

// Close releases the engine the Runner made. Runs must have finished.
func (r *Runner) Close() error {
	r.cancel()
	if r.ownEngine {
		return r.engine.Close()
	}
	return nil
}

// Run runs the named tasks (all tasks when names is empty) after their
// dependencies, in parallel where it can, and returns what happened to each
// task of the plan in order. The error is nil when every task succeeded or
// was up to date; a [*FailedError] when tasks failed (exit status 1); the
// context's error wrapped in an [*InterruptedError] when ctx was cancelled
// (exit status 130).
func (r *Runner) Run(ctx context.Context, names ...string) (Summary, error) {
	plan, err := r.project.plan(names)
	if err != nil {
		return nil, err
	}
	if err := r.resolve(ctx, plan, LockAdd); err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, r.cancel)
	defer stop()
	nodes := make([]*node, len(plan))
	for i, t := range plan {
		nodes[i] = r.start(t)
	}
	for _, n := range nodes {
		<-n.done
	}
	sum := make(Summary, len(nodes))
	for i, n := range nodes {
		sum[i] = n.res
	}
	return sum, sum.err(ctx)
}

// start returns the task's node, starting its run the first time.
func (r *Runner) start(t *schema.Task) *node {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.startLocked(t)
}

func (r *Runner) startLocked(t *schema.Task) *node {
	if n, ok := r.nodes[t.Name]; ok {
		return n
	}
	n := &node{task: t, done: make(chan struct{}), res: Result{Task: t.Name}}
	for _, d := range t.Deps {
		n.deps = append(n.deps, r.startLocked(r.project.tasks[d.Name]))
	}
	r.nodes[t.Name] = n
	go r.runNode(n)
	return n
}

func (r *Runner) runNode(n *node) {
	defer close(n.done)
	for _, d := range n.deps {
		<-d.done
		if !d.res.Status.ok() {
			n.res.Status, n.res.Cause = DepFailed, d.task.Name
			return
		}
	}
	// The memory budget first, in order of arrival, then a job slot: a
	// task waiting for memory holds no slot that a task without a limit
	// could use.
	reserved, err := r.budget.acquire(r.ctx, int64(r.project.spec(n.task).settings.Memory))
	if err != nil {
		n.res.Status = NotRun
		return
	}
	defer r.budget.release(reserved)
	select {
	case r.slots <- struct{}{}:
	case <-r.ctx.Done():
		n.res.Status = NotRun
		return
	}
	defer func() { <-r.slots }()
	if r.ctx.Err() != nil {
		n.res.Status = NotRun
		return
	}
	n.res = r.runTask(n.task)
	if n.res.Status == Failed && !r.opts.KeepGoing {
		r.cancel()
	}
}

// runTask runs one task whose dependencies succeeded.
func (r *Runner) runTask(t *schema.Task) (res Result) {
	res.Task = t.Name
	start := time.Now()
	defer func() { res.Time = time.Since(start) }()
	s := r.project.spec(t)
	defer r.outputs.lock(s.outputFiles())()
	check, err := r.checkUpToDate(s)
	if err != nil {
		return res.fail(err)
	}
	if check.upToDate {
		res.Status = UpToDate
		return res
	}
	rr, lastStderr, err := r.execute(t, s)
	res.Source, res.Stderr = rr.Source, lastStderr
	res.ExitCode = rr.ExitCode
	if err != nil {
		if r.ctx.Err() != nil && errors.Is(err, context.Canceled) {
			res.Status = Cancelled
			res.Err = err
			return res
		}
		return res.fail(err)
	}
	res.Status = Ran
	if check.fingerprint != "" {
		if err := r.recordSuccess(s, check); err != nil {
			r.console.printf("wasmtasks: warning: [%s] could not record the run for up-to-date checks: %v\n", t.Name, err)
		}
	}
	return res
}

// resolve obtains the programs of the plan's components and the archive
// folders their tasks mount, checked against their pins, before anything
// runs ([Project.Resolve]).
func (r *Runner) resolve(ctx context.Context, plan []*schema.Task, mode LockMode) error {
	var names []string
	seen := map[string]bool{}
	for _, t := range plan {
		if n := t.Component.Name; !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	f, err := r.fetcher()
	if err != nil {
		return err
	}
	return r.project.Resolve(ctx, ResolveOptions{Fetcher: f, Mode: mode, Digest: r.engine.Digest}, names...)
}

// fetcher returns Options.Sources, else a fetcher on the engine's store
// when the project needs one, made on first use.
func (r *Runner) fetcher() (*source.Fetcher, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.opts.Sources != nil || !r.project.needsFetcher() {
		return r.opts.Sources, nil
	}
	f, err := r.project.newFetcher(r.engine.StoreDir(), r.opts.Stderr)
	if err != nil {
		return nil, err
	}
	r.opts.Sources = f
	return f, nil
}
