package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/wasmtasks/wasmtasks/internal/bytesize"
	"github.com/wasmtasks/wasmtasks/internal/clilog"
	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/tasks"
)

const runUsage = `Usage: wasmtasks run [FLAGS] [TASK…]

Runs the named tasks, or every task, after their dependencies, in parallel
where it can, and prints a summary. It says when a task starts and ends and
when a program compiles: on a terminal in a status line at the bottom,
elsewhere in plain lines. Exits 0 when every task succeeded or was up to
date, 1 when a task failed, 2 for a bad task file or usage, 130 when
interrupted, and 141 when its stdout was closed (wasmtasks run | head): it
then stops the tasks and removes their unfinished outputs, and exits as a
shell reports a command that SIGPIPE killed.

With --json, the last line on stderr is one JSON object, written after the
summary:
  {"tasks": [{"task": "gen", "status": S, "program": P, "time_ms": 12.5,
              "exit_code": N, "error": "…", "cause": "…"}, …]}
status is ran, up_to_date, cached_remote, failed, dep_failed (cause names
the dependency), not_run, stopped or unknown; program says where the
compiled code came from (compiled, stored, memory, remote; absent when no
program was loaded); exit_code is absent when the program did not run or
was stopped or trapped; error says why a task failed. A run that stops
before any task (a task file error, an unknown task, a bad memory budget
or remote cache) ends with {"tasks": []} after its error, and exits 2.

Flags:
`

// projectFlags are the flags every command that reads a task file takes.
type projectFlags struct {
	file     string
	cacheDir string
}

func (p *projectFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&p.file, "f", "", "the task `FILE` (default: the nearest wasmtasks.yaml)")
	fs.StringVar(&p.cacheDir, "cache-dir", "", "keep compiled code in `DIR` (default: the task file's cache_dir, $WASMTASKS_CACHE_DIR or the user cache folder)")
}

// newFlagSet makes a flag set whose -h prints usage and the flags.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; done is true when the command should stop (after
// -h) with the returned error.
func parseFlags(fs *flag.FlagSet, args []string) (done bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return true, silentExit(exitcode.Usage)
	}
	return false, nil
}

func runCmd(args []string, stdout, stderr io.Writer) (err error) {
	var pf projectFlags
	var opts tasks.Options
	var dryRun, checkRepro, asJSON bool
	fs := newFlagSet("run", runUsage, stderr)
	pf.register(fs)
	fs.Func("j", "run up to `N` tasks at once (default: the number of CPUs)", func(v string) (err error) {
		opts.Jobs, err = tasks.ParseJobs(v)
		return err
	})
	fs.StringVar(&opts.Output, "output", "", "show output `prefixed` ([task] on every line; the default unless -j 1), grouped (each task's whole output at its end) or interleaved (raw; the default with -j 1)")
	fs.BoolVar(&opts.KeepGoing, "keep-going", false, "after a failure, run every task that does not depend on it")
	fs.BoolVar(&opts.Force, "force", false, "run tasks even when they are up to date")
	fs.BoolVar(&dryRun, "dry-run", false, "print what would run, in order, and run nothing")
	fs.BoolVar(&opts.Quiet, "quiet", false, "print only the tasks' output and their failures: no progress, and only the failures of the summary")
	fs.StringVar(&opts.Summary, "summary", "", "end with a `short` summary (counts and failures; the default), full (also a row per task) or failures (the default with --quiet)")
	fs.BoolVar(&checkRepro, "check-reproducible", false, "after running, run each named task (or every task) twice more into fresh copies of its read-write folders and fail, naming the first differing file and byte, unless every output is the same")
	fs.BoolVar(&asJSON, "json", false, "end with the summary as one line of JSON on stderr (see above)")
	var rc remoteCacheFlags
	rc.register(fs)
	var budget string
	fs.StringVar(&budget, "memory-budget", "", "start tasks and compiles only while the sum of their `SIZE` limits (memory:, a compile's estimate) fits, e.g. 8GiB, or off (default: 3/4 of physical memory)")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	var sum tasks.Summary
	if asJSON {
		// Whatever ends the run, even a task file error before any task,
		// the report is the last line, so that a script reads it there.
		defer func() {
			if !dryRun || err != nil {
				err = endWithJSON(err, sum, stderr)
			}
		}()
	}
	if opts.MemoryBudget, err = parseBudget(budget); err != nil {
		return usageError(err.Error())
	}
	if err := rc.apply(&opts); err != nil {
		return err
	}
	project, err := loadProject(pf.file)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, stdout, unwatch := watchStdout(ctx, stdout)
	defer unwatch()
	opts.Stdout, opts.Stderr = stdout, stderr
	opts.Logger = clilog.New(stderr, "wasmtasks")
	if pf.cacheDir != "" || !dryRun {
		eng, err := newEngine(project, pf.cacheDir, stderr)
		if err != nil {
			return err
		}
		defer eng.Close()
		opts.Engine = eng
	}
	r, err := tasks.NewRunner(project, opts)
	if err != nil {
		return err
	}
	defer r.Close()
	if dryRun {
		return r.DryRun(stdout, fs.Args()...)
	}
	run := r.Run
	if checkRepro {
		run = r.CheckReproducible
	}
	sum, err = run(ctx, fs.Args()...)
	r.PrintSummary(sum)
	return brokenPipeExit(ctx, err)
}

// endWithJSON prints err, then the run's JSON report, and returns the
// exit status err stands for: the error's line comes before the report,
// which must be last.
func endWithJSON(err error, sum tasks.Summary, stderr io.Writer) error {
	status := report(err, stderr)
	if jerr := sum.WriteJSON(stderr); jerr != nil && status == exitcode.OK {
		return jerr
	}
	return silentExit(status)
}

// parseBudget reads --memory-budget: a size, "off" (no budget, which
// tasks.Options spells negative), or "" for the default.
func parseBudget(v string) (int64, error) {
	switch v {
	case "":
		return 0, nil
	case "off":
		return -1, nil
	}
	n, err := bytesize.Parse(v)
	if err == nil && n <= 0 {
		err = errors.New("must be positive; use off for no budget")
	}
	if err != nil {
		return 0, fmt.Errorf("--memory-budget %q: %w", v, err)
	}
	return n, nil
}

// loadProject finds and loads the task file; every problem in it is
// printed, and the exit status is 2.
func loadProject(name string) (*tasks.Project, error) {
	path, err := tasks.Find(".", name)
	if err != nil {
		return nil, &exitError{status: exitcode.Usage, err: err}
	}
	p, err := tasks.Load(path)
	if err != nil {
		return nil, taskFileError(path, err)
	}
	return p, nil
}

// newEngine makes the engine for a project, on the store that
// [tasks.Project.StoreDir] names for it and the --cache-dir flag.
func newEngine(p *tasks.Project, flag string, stderr io.Writer) (*runner.Engine, error) {
	// Without a folder, the engine warns and compiles in memory.
	dir, _ := p.StoreDir(flag)
	return runner.NewEngine(runner.Options{StoreDir: dir, Logger: clilog.New(stderr, "wasmtasks")})
}

const listUsage = `Usage: wasmtasks list [-f FILE] [--json]

Lists the tasks with their descriptions and dependencies. With --json, a
JSON array with one object per task that also says how the task is found
up to date ("up_to_date_check": declared, sandbox or always).

Flags:
`

func listCmd(args []string, stdout, stderr io.Writer) error {
	var pf projectFlags
	fs := newFlagSet("list", listUsage, stderr)
	fs.StringVar(&pf.file, "f", "", "the task `FILE` (default: the nearest wasmtasks.yaml)")
	asJSON := fs.Bool("json", false, "print JSON")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	project, err := loadProject(pf.file)
	if err != nil {
		return err
	}
	if *asJSON {
		return project.ListJSON(stdout)
	}
	project.List(stdout)
	return nil
}
