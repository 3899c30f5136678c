package runner

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Epoch interruption stops a guest only while wasm runs. A guest blocked in
// a host call (a sleep, a read of stdin or of a named pipe, the open of a
// named pipe, an atomic wait) does not come back when its context is done,
// so Run waits for it only a short grace, then abandons it: Run returns the
// stop at once, and the guest's goroutine frees the store and its pipes
// whenever the blocked call returns (the guest then traps at its next
// epoch check, before it gets far). An Engine keeps at most MaxStuckRuns
// such runs; past that, Run refuses new runs with ErrStuckRuns until one
// of them returns, so a program that blocks forever cannot pile up threads
// and memory without bound.

// MaxStuckRuns is how many abandoned runs an Engine tolerates: while that
// many are still blocked in host calls, [Cmd.Run] fails at once with
// [ErrStuckRuns].
const MaxStuckRuns = 16

// ErrStuckRuns is wrapped by the error of a Run refused because
// [MaxStuckRuns] stopped runs of the engine are still blocked in host calls.
var ErrStuckRuns = errors.New("too many stopped runs are still blocked in host calls")

// grace is how long Run waits, once its context is done, for the guest to
// stop through the interrupt trap (which takes a tick or two while wasm
// runs) before it abandons it.
const grace = 10 * tick

// outcome is what a guest's goroutine hands back to Run.
type outcome struct {
	res Result
	err error
}

// await waits for the guest's outcome, or for ctx and then the grace; ok
// is false when the guest has not come back by then.
func await(ctx context.Context, finished <-chan outcome) (o outcome, ok bool) {
	select {
	case o := <-finished:
		return o, true
	case <-ctx.Done():
	}
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case o := <-finished:
		return o, true
	case <-t.C:
		return outcome{}, false
	}
}

// checkStuck refuses a new run while MaxStuckRuns runs are stuck.
func (e *Engine) checkStuck() error {
	e.stuckMu.Lock()
	defer e.stuckMu.Unlock()
	if e.stuck >= MaxStuckRuns {
		return fmt.Errorf("%w: %d runs stopped by their timeout or cancellation have not returned from a blocking call (a sleep, a read or open of stdin or a named pipe); new runs are refused until they do",
			ErrStuckRuns, e.stuck)
	}
	return nil
}

// abandoned counts a run whose guest has not returned, until it does.
func (e *Engine) abandoned(finished <-chan outcome) {
	e.stuckMu.Lock()
	e.stuck++
	e.stuckMu.Unlock()
	go func() {
		<-finished
		e.stuckMu.Lock()
		e.stuck--
		last := e.closing && e.stuck == 0 && e.compiling == 0
		e.stuckMu.Unlock()
		if last {
			e.free()
		}
	}()
}
