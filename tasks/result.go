package tasks

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/schema"
)

// Status is what became of a task in a run. The zero value is
// StatusUnknown, which no finished task has.
type Status int

const (
	// StatusUnknown is no status: the task's run did not say what became
	// of it.
	StatusUnknown Status = iota
	// NotRun means the task never started: an earlier failure or an
	// interrupt stopped the run first.
	NotRun
	// Ran means the task ran and succeeded.
	Ran
	// UpToDate means the task was skipped: nothing it depends on changed
	// since its last success.
	UpToDate
	// Failed means the task ran, or tried to, and failed.
	Failed
	// DepFailed means the task did not run because a dependency failed.
	DepFailed
	// Cancelled means the task was stopped while it ran.
	Cancelled
	// Cached means the task did not run: a remote cache held the result
	// of a run with the same fingerprint, whose outputs were restored and
	// console output replayed.
	Cached
)

var statusNames = [...]string{"unknown", "not run", "ok", "up to date", "failed", "not run", "stopped", "cached (remote)"}

// statusKeys name the statuses in `run --json`: one word each, stable for
// scripts, where the summary's words are for people.
var statusKeys = [...]string{"unknown", "not_run", "ran", "up_to_date", "failed", "dep_failed", "stopped", "cached_remote"}

// Key is the status's name in JSON reports.
func (s Status) Key() string {
	if s < 0 || int(s) >= len(statusKeys) {
		return "unknown"
	}
	return statusKeys[s]
}

func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return "unknown"
	}
	return statusNames[s]
}

func (s Status) ok() bool { return s == Ran || s == UpToDate || s == Cached }

// stopped reports a task that an interrupt or a failure elsewhere stopped
// before it finished: it neither succeeded nor failed.
func (s Status) stopped() bool { return s == NotRun || s == Cancelled }

// Result is what happened to one task.
type Result struct {
	Task   string
	Status Status
	// Time is how long the task took, up-to-date check included.
	Time time.Duration
	// Source says where the program's compiled code came from;
	// runner.SourceUnknown when none was compiled or loaded.
	Source runner.Source
	// ExitCode is the program's exit status (-1 when it was stopped or
	// trapped).
	ExitCode int
	// Err is why the task failed; Cause names the dependency that failed
	// for DepFailed.
	Err   error
	Cause string
	// Stderr holds the last lines the program wrote to stderr.
	Stderr []string
}

func (r Result) fail(err error) Result {
	r.Status, r.Err = Failed, err
	if r.ExitCode == 0 {
		r.ExitCode = -1
	}
	return r
}

// Summary is the result of every task of a run, in plan order.
type Summary []Result

func (s Summary) err(ctx context.Context) error {
	if ctx.Err() != nil {
		return &InterruptedError{cause: ctx.Err()}
	}
	var failed []string
	for _, r := range s {
		if r.Status == Failed {
			failed = append(failed, r.Task)
		}
	}
	if len(failed) > 0 {
		return &FailedError{Tasks: failed}
	}
	for _, r := range s {
		if r.Status.stopped() {
			// Never success: a task that did not finish.
			return &InterruptedError{cause: context.Canceled}
		}
	}
	return nil
}

// FailedError reports tasks that failed; it exits with status 1 (exitcode.Failed).
type FailedError struct{ Tasks []string }

func (e *FailedError) Error() string {
	if len(e.Tasks) == 1 {
		return fmt.Sprintf("task %s failed", e.Tasks[0])
	}
	return fmt.Sprintf("tasks %s failed", strings.Join(e.Tasks, ", "))
}

// ExitStatus is 1 (exitcode.Failed).
func (e *FailedError) ExitStatus() int { return exitcode.Failed }

// InterruptedError reports a run stopped by its context (Ctrl-C); it exits
// with status 130 (exitcode.Interrupted), like a shell does for SIGINT.
type InterruptedError struct{ cause error }

func (e *InterruptedError) Error() string   { return "interrupted" }
func (e *InterruptedError) Unwrap() error   { return e.cause }
func (e *InterruptedError) ExitStatus() int { return exitcode.Interrupted }

// why explains a failure in one line.
func (r Result) why() string {
	var ee *runner.ExitError
	switch {
	case r.Err == nil:
		return ""
	case errors.As(r.Err, &ee) && errors.Is(r.Err, context.DeadlineExceeded):
		return "timed out"
	case errors.As(r.Err, &ee) && ee.ExitCode() >= 0:
		return fmt.Sprintf("exit status %d", ee.ExitCode())
	case errors.Is(r.Err, runner.ErrTrap):
		return "trapped: " + firstLine(r.Err.Error())
	}
	return firstLine(r.Err.Error())
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func timeDuration(d schema.Duration) time.Duration { return time.Duration(d) }
