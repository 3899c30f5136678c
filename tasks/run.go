package tasks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/safefs"
	"github.com/wasmtasks/wasmtasks/remotecache"
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
	// Quiet prints only the tasks' output and a line for each failure.
	// Without it, Stderr gets the progress: on a terminal (and TERM is not
	// dumb) a status line at the bottom, elsewhere plain lines.
	Quiet bool
	// Summary is how much of a run's summary [Runner.PrintSummary] shows:
	// SummaryShort, SummaryFull or SummaryFailures; "" means SummaryShort,
	// or SummaryFailures with Quiet.
	Summary string
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
	// RemoteCache replaces the task file's remote_cache: URL; RemoteCacheOff
	// turns the remote cache off; "" keeps the file's. Check a value from
	// a person with [ParseRemoteCache].
	RemoteCache string
	// RemoteCacheReadOnly, if not nil, replaces the task file's
	// read_only: for the remote cache.
	RemoteCacheReadOnly *bool
}

// Runner runs the tasks of a project. Within one Runner each task runs at
// most once, however many Run calls ask for it (see [Runner.Run]). A Runner
// keeps no context: each Run call brings its own. A Runner is safe for
// concurrent use.
type Runner struct {
	project   *Project
	opts      Options
	engine    *runner.Engine
	ownEngine bool
	console   *console
	progress  *progress
	state     stateCache
	workers   workers
	roots     []string      // where guests could have planted symlinks
	guard     *safefs.Guard // opens task-named files under roots' rule
	outputs   outputLocks   // one task at a time writes an output file
	strays    sweeper       // output folders cleared of dead writers' files

	remote *remotecache.Client // nil: no remote cache
	// sharedWriters are the tasks that write where another task writes:
	// their results are not shared (see sharedWriters).
	sharedWriters map[string]bool
	disconnect    func()         // ends the engine's use of remote
	compiling     sync.WaitGroup // programs being compiled ahead of their tasks
	compileSem    chan struct{}  // bounds them (compileSlots)
	compiled      sync.Map       // program paths found compiled or stored (compileNeed)
	budget        *budget        // nil: no memory budget

	mu    sync.Mutex
	nodes map[string]*node
}

// node is one task's run within a Runner, shared by every Run call whose
// plan holds the task while it runs.
type node struct {
	task *schema.Task
	deps []*node
	prev *node // the stopped run of the same task that this one follows
	done chan struct{}
	res  Result

	// ctx stops the task once no Run call waits for it any more.
	ctx    context.Context
	cancel context.CancelFunc
	calls  []*call // the Run calls waiting for it; guarded by Runner.mu
}

// call is one Run call: its context is cancelled when the caller's is, and
// at the first failure among its tasks unless KeepGoing.
type call struct {
	ctx    context.Context
	cancel context.CancelFunc
	nodes  []*node
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
	var err error
	if opts.Summary, err = summaryDetail(opts.Summary, opts.Quiet); err != nil {
		return nil, err
	}
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	r := &Runner{
		project:    p,
		opts:       opts,
		engine:     opts.Engine,
		console:    &console{stdout: opts.Stdout, stderr: opts.Stderr, mode: opts.Output},
		state:      stateCache{file: stateFile{dir: p.File.Dir + string(os.PathSeparator) + stateDir, prefetch: p.state}},
		workers:    newWorkers(opts.Jobs),
		budget:     newBudget(opts.MemoryBudget),
		compileSem: make(chan struct{}, compileSlots()),
		nodes:      map[string]*node{},
		roots:      p.roots(),
	}
	if !opts.Quiet {
		r.console.live = newLiveLine(opts.Stdout, opts.Stderr)
	}
	r.progress = newProgress(r.console, opts.Quiet, p.File.Dir)
	r.guard = safefs.NewGuard(r.roots...)
	r.state.file.guard = r.guard
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
	if r.remote, err = p.remoteCache(opts, opts.Logger); err != nil {
		r.Close()
		return nil, err
	}
	if r.remote != nil {
		r.disconnect = connect(r.engine, r.remote)
		r.sharedWriters = sharedWriters(p)
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

// Close releases the engine the Runner made. Runs must have returned;
// Close stops any task still running, as a safety net.
func (r *Runner) Close() error {
	r.mu.Lock()
	for _, n := range r.nodes {
		n.cancel()
	}
	r.mu.Unlock()
	r.workers.stop()
	r.compiling.Wait()
	if r.disconnect != nil {
		r.disconnect()
	}
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
//
// Within one Runner each task runs at most once, however many Run calls
// ask for it, at once or one after the other: a later call gets the first
// run's result. Only a task that was stopped, or never started, because
// every call waiting for it had ended (interrupted, or stopped by a failure
// of its own) runs again for a later call. A failure stops the other tasks
// of the calls that wait for the failed task, unless KeepGoing; it does not
// stop a task that another call still waits for, nor later calls.
func (r *Runner) Run(ctx context.Context, names ...string) (Summary, error) {
	plan, err := r.project.plan(names)
	if err != nil {
		return nil, err
	}
	if err := r.resolve(ctx, plan, LockAdd); err != nil {
		return nil, err
	}
	r.state.reload()
	r.precompile(ctx, plan)
	c := r.join(ctx, plan)
	defer c.cancel()
	for _, n := range c.nodes {
		<-n.done
	}
	if err := r.state.flush(); err != nil {
		r.console.printf("wasmtasks: warning: could not record the run for up-to-date checks: %v\n", err)
	}
	if r.remote != nil && ctx.Err() == nil {
		// What the run made is shared before the process exits.
		r.remote.Flush(remotecache.DefaultDrain)
	}
	sum := make(Summary, len(c.nodes))
	for i, n := range c.nodes {
		sum[i] = n.res
	}
	return sum, sum.err(ctx)
}

// PrintSummary writes a run's summary to Options.Stderr, as much of it as
// Options.Summary says, never mixed with the status line of a terminal.
func (r *Runner) PrintSummary(sum Summary) {
	var b bytes.Buffer
	sum.print(&b, r.opts.Summary)
	r.console.mu.Lock()
	defer r.console.mu.Unlock()
	r.console.write(r.console.stderr, b.Bytes())
}

// join makes a call that waits for the plan's tasks, starting those that
// no other call runs. When the call ends, the tasks that only it waited for
// are stopped.
func (r *Runner) join(ctx context.Context, plan []*schema.Task) *call {
	c := &call{}
	c.ctx, c.cancel = context.WithCancel(ctx)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range plan {
		n := r.startLocked(ctx, t)
		n.calls = append(n.calls, c)
		c.nodes = append(c.nodes, n)
	}
	context.AfterFunc(c.ctx, func() { r.leave(c) })
	return c
}

// leave stops every task of the call that no other call waits for.
func (r *Runner) leave(c *call) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range c.nodes {
		n.calls = slices.DeleteFunc(n.calls, func(o *call) bool { return o == c })
		if len(n.calls) == 0 {
			n.cancel()
		}
	}
}

// failed stops the calls that wait for n, at its failure.
func (r *Runner) failed(n *node) {
	r.mu.Lock()
	calls := slices.Clone(n.calls)
	r.mu.Unlock()
	for _, c := range calls {
		c.cancel()
	}
}

// startLocked returns the task's node, starting its run the first time, or
// again after a run that was stopped because no call waited for it.
func (r *Runner) startLocked(ctx context.Context, t *schema.Task) *node {
	old := r.nodes[t.Name]
	if old != nil {
		select {
		case <-old.done:
			if !old.res.Status.stopped() {
				return old
			}
			old = nil // stopped before it finished: run it again
		default:
			if old.ctx.Err() == nil {
				return old
			}
			// Stopping, as no call waits for it: follow it.
		}
	}
	n := &node{task: t, prev: old, done: make(chan struct{}), res: Result{Task: t.Name}}
	n.ctx, n.cancel = context.WithCancel(context.WithoutCancel(ctx))
	for _, d := range t.Deps {
		n.deps = append(n.deps, r.startLocked(ctx, r.project.tasks[d.Name]))
	}
	r.nodes[t.Name] = n
	r.progress.planned(1)
	go r.runNode(n)
	return n
}

func (r *Runner) runNode(n *node) {
	defer close(n.done)
	defer n.cancel()
	defer r.progress.finished()
	if p := n.prev; p != nil {
		n.prev = nil
		if <-p.done; !p.res.Status.stopped() {
			n.res = p.res // it finished before it noticed the stop
			return
		}
	}
	for _, d := range n.deps {
		<-d.done
		switch {
		case d.res.Status.stopped():
			n.res.Status = NotRun
			return
		case !d.res.Status.ok():
			n.res.Status, n.res.Cause = DepFailed, d.task.Name
			return
		}
	}
	// The memory budget first, in order of arrival, then a worker: a
	// task waiting for memory holds no worker that a task without a limit
	// could use. A task that will compile its program reserves that too.
	s := r.project.spec(n.task)
	reserved, err := r.budget.acquire(n.ctx, max(int64(s.settings.Memory), r.compileNeed(n.task)))
	if err != nil {
		n.res.Status = NotRun
		return
	}
	defer r.budget.release(reserved)
	ran := r.workers.do(n.ctx, func() {
		if n.ctx.Err() == nil {
			n.res = r.runTask(n.ctx, s)
		} else {
			n.res.Status = NotRun
		}
	})
	if !ran {
		n.res.Status = NotRun
		return
	}
	if n.res.Status == Failed && !r.opts.KeepGoing {
		r.failed(n)
	}
}

// runTask runs one task whose dependencies succeeded.
func (r *Runner) runTask(ctx context.Context, s *spec) (res Result) {
	t := s.task
	res.Task = t.Name
	start := time.Now()
	defer func() {
		res.Time = time.Since(start)
		if res.Status != UpToDate {
			r.progress.ended(res)
		}
	}()
	defer r.outputs.lock(s.outputFiles())()
	check, err := r.checkUpToDate(s)
	if err != nil {
		return res.fail(err)
	}
	if check.upToDate {
		res.Status = UpToDate
		return res
	}
	key := r.actionKey(s, check)
	if key != "" && r.fromRemote(ctx, s, key, check) {
		res.Status = Cached
		return res
	}
	if key != "" {
		s.record = &consoleRecord{}
	}
	r.progress.started(t.Name)
	rr, lastStderr, err := r.execute(ctx, t, s)
	res.Source, res.Stderr = rr.Source, lastStderr
	res.ExitCode = rr.ExitCode
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			res.Status = Cancelled
			res.Err = err
			if errors.Is(err, runner.ErrStillCompiling) {
				r.console.printf("wasmtasks: [%s] stopped while its program was still compiling: %s (the compile cannot be cancelled; it is not waited for)\n", t.Name, s.program)
			}
			return res
		}
		return res.fail(err)
	}
	res.Status = Ran
	if check.fingerprint != "" {
		outputs, err := r.recordSuccess(s, check)
		if err != nil {
			r.console.printf("wasmtasks: warning: [%s] could not record the run for up-to-date checks: %v\n", t.Name, err)
		} else if key != "" {
			r.shareResult(s, key, rr.ExitCode, outputs, s.record)
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
