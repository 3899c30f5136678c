package runner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/bytesize"
)

// compileStop is why a run stopped before its program was compiled: its
// context ended while the compile, which nothing can cancel, went on. It
// matches the context's error and [ErrStillCompiling].
type compileStop struct {
	ctx   error // the context's error
	size  int   // bytes of the program
	since time.Duration
}

func (e *compileStop) Error() string {
	why := "interrupted"
	if errors.Is(e.ctx, context.DeadlineExceeded) {
		why = "deadline passed"
	}
	return fmt.Sprintf("%s while the program (%s) was still compiling, %s into the compile; not waiting for it to finish",
		why, bytesize.Format(int64(e.size)), e.since.Round(time.Millisecond))
}

func (e *compileStop) Unwrap() []error { return []error{e.ctx, ErrStillCompiling} }

// hold keeps the engine from being freed while a compile of its own runs
// on after the run that wanted it stopped; release lets go, freeing the
// engine if it was closed meanwhile and nothing else holds it.
func (e *Engine) hold() {
	e.stuckMu.Lock()
	e.compiling++
	e.stuckMu.Unlock()
}

func (e *Engine) release() {
	e.stuckMu.Lock()
	e.compiling--
	last := e.closing && e.stuck == 0 && e.compiling == 0
	e.stuckMu.Unlock()
	if last {
		e.free()
	}
}
