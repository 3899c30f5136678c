package runner

import (
	"context"
	"errors"
	"fmt"
)

// ErrTrap is matched (errors.Is) by the error of a guest that trapped: it
// hit unreachable code, accessed memory out of bounds, overflowed its stack,
// or a host call failed beneath its running code. The error's text carries
// wasmtime's message and the wasm backtrace.
var ErrTrap = errors.New("wasm trap")

// trapError is the error of a guest that trapped; wasmtime's message says
// how, and it matches [ErrTrap].
type trapError struct{ err error }

func (e *trapError) Error() string        { return e.err.Error() }
func (e *trapError) Unwrap() error        { return e.err }
func (e *trapError) Is(target error) bool { return target == ErrTrap }

// ExitError reports a guest that exited with a non-zero status, or that was
// stopped before it finished because its context was cancelled or its
// timeout passed; errors.Is matches it against context.Canceled or
// context.DeadlineExceeded then.
type ExitError struct {
	// Code is the guest's exit status, or -1 when it was stopped.
	Code int
	// Program is the Cmd's Path.
	Program string

	cause error
}

func (e *ExitError) Error() string {
	var stop *compileStop
	switch {
	case errors.As(e.cause, &stop):
		return fmt.Sprintf("runner: %q: stopped: %v", e.Program, stop)
	case errors.Is(e.cause, context.DeadlineExceeded):
		return fmt.Sprintf("runner: %q: stopped: timed out", e.Program)
	case e.cause != nil:
		return fmt.Sprintf("runner: %q: stopped: %v", e.Program, e.cause)
	}
	return fmt.Sprintf("runner: %q: exit status %d", e.Program, e.Code)
}

// ExitCode returns the guest's exit status, or -1 if it was stopped.
func (e *ExitError) ExitCode() int { return e.Code }

// Unwrap returns the context error that stopped the guest, if any.
func (e *ExitError) Unwrap() error { return e.cause }

// ErrStreamPanicked is matched (errors.Is) by the error of a run whose
// Stdout or Stderr panicked in Write, or whose Stdin panicked in Read. The
// panic is recovered: the guest's further output is dropped (its writes
// fail) or its input ends, and Run fails with the panic's value in the
// error.
var ErrStreamPanicked = errors.New("a stream of the run panicked")

// streamPanic is the error of a run whose stream panicked; it matches
// [ErrStreamPanicked].
type streamPanic struct {
	stream string // stdin, stdout or stderr
	value  any
}

func (e *streamPanic) Error() string {
	what := "writer"
	if e.stream == "stdin" {
		what = "reader"
	}
	return fmt.Sprintf("the %s %s given to the run panicked: %v", e.stream, what, e.value)
}

func (e *streamPanic) Is(target error) bool { return target == ErrStreamPanicked }

// ErrStillCompiling is matched (errors.Is), along with the context's
// error, by the error of a run stopped while its program was being
// compiled. A compile cannot be cancelled, so Run does not wait for it:
// it goes on in the background, later runs of the program on the engine
// use its code, and it is stored when done (or dropped when the process
// exits first).
var ErrStillCompiling = errors.New("the program was still compiling")
