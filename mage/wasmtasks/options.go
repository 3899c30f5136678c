package wasmtasks

import (
	"fmt"
	"os"
	"slices"
	"strconv"

	"github.com/wasmtasks/wasmtasks/tasks"
)

// Options are the settings of every run of tasks in this mage invocation,
// what the flags of `wasmtasks run` are for the command: Jobs, Force,
// KeepGoing, Output, Quiet, Summary and the rest of [tasks.Options]. Set
// them in an init function of the magefile:
//
//	func init() {
//		wasmtasks.Options.Jobs = 4
//		wasmtasks.Options.KeepGoing = true
//		wasmtasks.Options.Summary = tasks.SummaryFull
//	}
//
// For one run, environment variables override them (an empty one counts
// as unset): WASMTASKS_JOBS (a number of at least 1), WASMTASKS_FORCE,
// WASMTASKS_KEEP_GOING and WASMTASKS_QUIET (true or false, 1 or 0),
// WASMTASKS_OUTPUT (prefixed, grouped or interleaved),
// WASMTASKS_SUMMARY (short, full or failures), WASMTASKS_REMOTE_CACHE
// (a Bazel HTTP cache URL, or off) and WASMTASKS_REMOTE_CACHE_READ_ONLY
// (true or false), as in
//
//	WASMTASKS_FORCE=1 WASMTASKS_JOBS=1 mage run:all
//
// A bad value stops the first run with exit status 2. The options are read
// when the first task runs; later changes have no effect.
var Options tasks.Options

// envOptions are the environment variables that override [Options]: each
// sets one option from a value, or says what it wants.
var envOptions = []struct {
	name string
	set  func(o *tasks.Options, v string) error
}{
	{"WASMTASKS_JOBS", func(o *tasks.Options, v string) error {
		n, err := tasks.ParseJobs(v)
		o.Jobs = n
		return err
	}},
	{"WASMTASKS_FORCE", boolOption(func(o *tasks.Options) *bool { return &o.Force })},
	{"WASMTASKS_KEEP_GOING", boolOption(func(o *tasks.Options) *bool { return &o.KeepGoing })},
	{"WASMTASKS_QUIET", boolOption(func(o *tasks.Options) *bool { return &o.Quiet })},
	{"WASMTASKS_OUTPUT", oneOf(func(o *tasks.Options) *string { return &o.Output }, tasks.Prefixed, tasks.Grouped, tasks.Interleaved)},
	{"WASMTASKS_SUMMARY", oneOf(func(o *tasks.Options) *string { return &o.Summary }, tasks.SummaryShort, tasks.SummaryFull, tasks.SummaryFailures)},
	{tasks.EnvRemoteCache, func(o *tasks.Options, v string) error {
		if err := tasks.ParseRemoteCache(v); err != nil {
			return fmt.Errorf("want off or a cache URL: %w", err)
		}
		o.RemoteCache = v
		return nil
	}},
	{tasks.EnvRemoteCacheReadOnly, func(o *tasks.Options, v string) error {
		b, err := tasks.ParseReadOnly(v)
		o.RemoteCacheReadOnly = &b
		return err
	}},
}

func boolOption(field func(*tasks.Options) *bool) func(*tasks.Options, string) error {
	return func(o *tasks.Options, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false (or 1 or 0)")
		}
		*field(o) = b
		return nil
	}
}

func oneOf(field func(*tasks.Options) *string, values ...string) func(*tasks.Options, string) error {
	return func(o *tasks.Options, v string) error {
		if !slices.Contains(values, v) {
			return fmt.Errorf("want one of %q", values)
		}
		*field(o) = v
		return nil
	}
}

// withEnv returns opts with the environment's overrides applied; an error
// names the variable and exits with status 2.
func withEnv(opts tasks.Options) (tasks.Options, error) {
	for _, e := range envOptions {
		v := os.Getenv(e.name)
		if v == "" {
			continue
		}
		if err := e.set(&opts, v); err != nil {
			return opts, &tasks.UsageError{Msg: fmt.Sprintf("environment variable %s=%q: %v; unset it for the magefile's setting", e.name, v, err)}
		}
	}
	return opts, nil
}
