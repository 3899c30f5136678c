package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
)

// errBrokenPipe is why a run stops when its stdout is closed, as in
// `wasmtasks run | head -1`.
var errBrokenPipe = errors.New("standard output was closed (broken pipe); stopped the tasks and removed their unfinished outputs")

// watchStdout returns stdout wrapped so that the first write to a closed
// pipe cancels ctx with errBrokenPipe, and a func that undoes the watch.
// Go kills a process that writes to a closed stdout unless SIGPIPE is
// notified; while the watch is on, such a write returns an error instead,
// and the run stops the way an interrupt stops it: tasks cancelled,
// pending outputs removed.
func watchStdout(ctx context.Context, stdout io.Writer) (context.Context, io.Writer, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGPIPE)
	w := &pipeWatch{w: stdout, broken: cancel}
	return ctx, w, func() {
		signal.Stop(sigs)
		cancel(nil)
	}
}

// brokenPipeExit returns the error that exits with exitcode.BrokenPipe if
// ctx was stopped by a closed stdout, and err otherwise.
func brokenPipeExit(ctx context.Context, err error) error {
	if errors.Is(context.Cause(ctx), errBrokenPipe) {
		return &exitError{status: exitcode.BrokenPipe, err: errBrokenPipe}
	}
	return err
}

// pipeWatch is a writer that reports a broken pipe beneath it.
type pipeWatch struct {
	w      io.Writer
	broken context.CancelCauseFunc
}

func (p *pipeWatch) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	if err != nil && isBrokenPipe(err) {
		p.broken(errBrokenPipe)
	}
	return n, err
}
