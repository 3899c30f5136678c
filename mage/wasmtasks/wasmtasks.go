// Package wasmtasks gives a magefile the wasmtasks targets. Import it with
//
//	import (
//		//mage:import
//		_ "github.com/wasmtasks/wasmtasks/mage/wasmtasks"
//	)
//
// and `mage run:all`, `mage run:task NAME`, `mage run:checkReproducible`,
// `mage list`, `mage check`,
// `mage fetch`, `mage lock` and `mage cache:prune` (also cache:info,
// cache:clear) run the nearest wasmtasks.yaml, with the same exit statuses as the wasmtasks command: 1
// when a task failed, 2 for a bad task file, 130 when interrupted.
//
// Targets of your own can depend on tasks with [Task]:
//
//	func Build() { mg.Deps(wasmtasks.Task("generate")) }
//
// Within one mage invocation every task runs at most once, on one shared
// engine, however many targets ask for it. Set [Options] to choose what the
// flags of `wasmtasks run` choose for the command.
package wasmtasks

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/magefile/mage/mg"

	"github.com/wasmtasks/wasmtasks/internal/clilog"
	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/tasks"
)

// Run groups the targets that run tasks.
type Run mg.Namespace

// All runs every task of wasmtasks.yaml, dependencies first.
func (Run) All(ctx context.Context) error { return runTasks(ctx) }

// Task runs the named task and its dependencies.
func (Run) Task(ctx context.Context, name string) error { return runTasks(ctx, name) }

// CheckReproducible runs every task, then each of them twice more into
// fresh copies of its read-write folders, and fails with the first file
// and byte at which two runs' outputs differ; like `wasmtasks run
// --check-reproducible`.
func (Run) CheckReproducible(ctx context.Context) error {
	r, err := sessionRunner()
	if err != nil {
		return err
	}
	sum, err := r.CheckReproducible(ctx)
	sum.Print(os.Stderr)
	return err
}

// List prints the tasks of wasmtasks.yaml with their descriptions.
func List() error {
	p, err := load()
	if err != nil {
		return err
	}
	p.List(os.Stdout)
	return nil
}

// Check validates wasmtasks.yaml and prints every problem in it, and
// checks every program against its sha256: and wasmtasks.lock (which it
// does not write).
func Check(ctx context.Context) error {
	p, err := load()
	if err != nil {
		return err
	}
	if err := p.Resolve(ctx, tasks.ResolveOptions{Mode: tasks.LockCheck, Progress: os.Stderr}); err != nil {
		return err
	}
	fmt.Printf("%s is valid\n", p.File.Path)
	return nil
}

// Fetch obtains every program of wasmtasks.yaml — builds go: packages,
// downloads url: sources, pulls oci: artifacts — checks each against
// wasmtasks.lock (writing the pins it lacks) and compiles it, so that
// later runs need no network: for warming a CI cache or working offline.
func Fetch(ctx context.Context) error {
	p, err := load()
	if err != nil {
		return err
	}
	dir, _ := p.StoreDir("")
	eng, err := runner.NewEngine(runner.Options{StoreDir: dir, Logger: clilog.New(os.Stderr, "wasmtasks")})
	if err != nil {
		return err
	}
	defer eng.Close()
	runOpts, err := withEnv(Options)
	if err != nil {
		return err
	}
	runOpts.Logger = clilog.New(os.Stderr, "wasmtasks")
	unshare, err := p.ShareCode(eng, runOpts)
	if err != nil {
		return err
	}
	defer unshare()
	opts := tasks.ResolveOptions{Mode: tasks.LockAdd, Digest: eng.Digest, StoreDir: eng.StoreDir(), Progress: os.Stderr}
	if err := p.Resolve(ctx, opts); err != nil {
		return err
	}
	for _, c := range p.File.Components {
		kind, src, err := eng.Load(p.Program(c.Name))
		if err != nil {
			return mg.Fatalf(1, "wasmtasks: %s: %v", c.Name, err)
		}
		fmt.Printf("%-20s %-9s %s\n", c.Name, kind, src)
	}
	return nil
}

// Lock resolves every program of wasmtasks.yaml afresh, ignoring the pins
// (a moved tag or @latest is looked up again), and writes wasmtasks.lock.
func Lock(ctx context.Context) error {
	p, err := load()
	if err != nil {
		return err
	}
	if err := p.Resolve(ctx, tasks.ResolveOptions{Mode: tasks.LockUpdate, Progress: os.Stderr}); err != nil {
		return err
	}
	fmt.Printf("wrote %s\n", p.LockPath())
	return nil
}

// Cache groups the targets that manage the store: compiled code and the
// programs that sources obtained.
type Cache mg.Namespace

// Info prints the store's folder, its compiled code and sources with their
// sizes, and its largest entries.
func (Cache) Info() error {
	s, err := openStore()
	if err != nil {
		return err
	}
	info, err := s.Info()
	if err != nil {
		return err
	}
	fmt.Print(info)
	return nil
}

// Prune shrinks the whole store to its cap, least recently used first:
// compiled code first, then sources.
func (Cache) Prune() error {
	s, err := openStore()
	if err != nil {
		return err
	}
	pruned, err := s.Prune()
	if err == nil {
		fmt.Print(pruned)
	}
	return err
}

// Clear removes all compiled code and sources from the store.
func (Cache) Clear() error {
	s, err := openStore()
	if err != nil {
		return err
	}
	return s.Clear()
}

// Task returns the named task as a mage function, for mg.Deps: mage runs it
// once per invocation, and tasks it shares with other targets run once too.
func Task(name string) mg.Fn { return taskFn(name) }

type taskFn string

func (t taskFn) Name() string                  { return "wasmtasks:" + string(t) }
func (t taskFn) ID() string                    { return "wasmtasks-task:" + string(t) }
func (t taskFn) Run(ctx context.Context) error { return runTasks(ctx, string(t)) }

// session is what one mage invocation shares: the project, its runner,
// and the summaries of its runs.
var session struct {
	once      sync.Once
	project   *tasks.Project
	runner    *tasks.Runner
	err       error
	summaries summaries
}

func load() (*tasks.Project, error) {
	path, err := tasks.Find(".", "")
	if err != nil {
		return nil, mg.Fatal(exitcode.Usage, err)
	}
	return tasks.Load(path)
}

func runTasks(ctx context.Context, names ...string) error {
	r, err := sessionRunner()
	if err != nil {
		return err
	}
	session.summaries.begin()
	sum, err := r.Run(ctx, names...)
	session.summaries.end(sum, r.PrintSummary)
	return err
}

// sessionRunner makes the invocation's runner once.
func sessionRunner() (*tasks.Runner, error) {
	session.once.Do(func() { session.runner, session.err = newRunner() })
	return session.runner, session.err
}

// newRunner loads the project and makes the runner of this invocation, with
// [Options] and the environment's overrides.
func newRunner() (*tasks.Runner, error) {
	opts, err := withEnv(Options)
	if err != nil {
		return nil, err
	}
	if opts.Logger == nil {
		opts.Logger = clilog.New(os.Stderr, "wasmtasks")
	}
	session.project, err = load()
	if err != nil {
		return nil, err
	}
	return tasks.NewRunner(session.project, opts)
}

// openStore opens the store that [tasks.Project.StoreDir] names for the
// nearest task file, if there is one that loads.
func openStore() (*tasks.Store, error) {
	p, _ := load()
	dir, err := p.StoreDir("")
	if err != nil {
		return nil, err
	}
	return tasks.OpenStore(dir, 0, clilog.New(os.Stderr, "wasmtasks"))
}
