// Package exitcode names, once, the exit statuses that wasmtasks reports,
// so that the wasmtasks command and the mage targets give the same status
// for the same outcome. An error stands for its status by implementing
// [Error] (ExitStatus() int, the convention of mage's mg.ExitStatus, which
// mage's main reads); [Of] reads it back.
package exitcode

import "errors"

const (
	// OK: everything ran, or the command did what it was asked.
	OK = 0
	// Failed: a task failed, or a program could not be run.
	Failed = 1
	// Usage: a bad task file, bad flags or arguments, or an unsafe setup
	// (a store or task file others may write); nothing ran.
	Usage = 2
	// Timeout: `wasmtasks exec --timeout` stopped the program, as
	// coreutils' timeout(1) reports it.
	Timeout = 124
	// Interrupted: Ctrl-C or SIGTERM stopped the run, as a shell reports a
	// command killed by SIGINT (128+2).
	Interrupted = 130
	// Trapped: the program `wasmtasks exec` ran trapped, as a shell
	// reports a command killed by SIGABRT (128+6).
	Trapped = 134
	// BrokenPipe: `wasmtasks run` stopped because its standard output was
	// closed (`wasmtasks run | head`): it stops the tasks, removes their
	// pending outputs and exits with the status a shell reports for a
	// command killed by SIGPIPE (128+13), so pipelines see what they expect.
	BrokenPipe = 141
)

// Error is an error that knows the exit status it stands for.
type Error interface {
	error
	ExitStatus() int
}

// Of returns the exit status err stands for: OK for nil, the status of the
// first error in its chain that implements [Error], and Failed otherwise.
func Of(err error) int {
	if err == nil {
		return OK
	}
	var e Error
	if errors.As(err, &e) {
		return e.ExitStatus()
	}
	return Failed
}
