package runner_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
)

// blockedBound is how long a Run stopped while its guest is blocked may
// take to return; the old code took the whole block (60 s or forever).
const blockedBound = 10 * time.Second

// runBounded runs cmd and fails the test if Run has not returned within
// blockedBound, so a regression shows up as a failure, not a hung test.
func runBounded(t *testing.T, ctx context.Context, cmd *runner.Cmd) (runner.Result, error, time.Duration) {
	t.Helper()
	type outcome struct {
		res runner.Result
		err error
	}
	ch := make(chan outcome, 1)
	start := time.Now()
	go func() {
		res, err := cmd.Run(ctx)
		ch <- outcome{res, err}
	}()
	select {
	case o := <-ch:
		took := time.Since(start)
		t.Logf("Run returned after %v", took)
		return o.res, o.err, took
	case <-time.After(blockedBound):
		t.Fatalf("Run has not returned after %v", blockedBound)
		return runner.Result{}, nil, 0
	}
}

// wantStopped checks that err says the guest was stopped for cause.
func wantStopped(t *testing.T, res runner.Result, err, cause error) {
	t.Helper()
	var ee *runner.ExitError
	if !errors.Is(err, cause) || !errors.As(err, &ee) || ee.ExitCode() != -1 || res.ExitCode != -1 {
		t.Errorf("got %v (exit %d), want an *ExitError with code -1 matching %v", err, res.ExitCode, cause)
	}
}

// TestTimeoutStopsSleepingGuest: a guest blocked in sleep (poll_oneoff, or
// a component's monotonic-clock pollable) is a host call that epoch
// interruption never reaches; the timeout must still end the run.
func TestTimeoutStopsSleepingGuest(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			cmd := eng.Command(path, "sleep", "60000")
			cmd.Timeout = time.Second
			res, err, _ := runBounded(t, context.Background(), cmd)
			wantStopped(t, res, err, context.DeadlineExceeded)
		})
	}
}

// TestTimeoutStopsStartFunction: a start function runs while the program
// is instantiated, before the command's entry point.
func TestTimeoutStopsStartFunction(t *testing.T) {
	eng := newEngine(t)
	for kind, name := range map[string]string{"module": "startloop", "component": "startloop-component"} {
		t.Run(kind, func(t *testing.T) {
			cmd := eng.Command(testprog.WAT(t, name))
			cmd.Timeout = 500 * time.Millisecond
			res, err, _ := runBounded(t, context.Background(), cmd)
			wantStopped(t, res, err, context.DeadlineExceeded)
		})
	}
}

// TestCancelStopsStartFunction: cancelling the context stops a start
// function too.
func TestCancelStopsStartFunction(t *testing.T) {
	eng := newEngine(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	res, err, _ := runBounded(t, ctx, eng.Command(testprog.WAT(t, "startloop-component")))
	wantStopped(t, res, err, context.Canceled)
}

// neverReader blocks in Read until the test ends.
type neverReader struct{ done chan struct{} }

func (r neverReader) Read([]byte) (int, error) {
	<-r.done
	return 0, io.EOF
}

// TestCancelStopsGuestReadingStdin: a guest blocked reading a stdin that
// never yields anything is stopped by cancellation.
func TestCancelStopsGuestReadingStdin(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			r := neverReader{make(chan struct{})}
			defer close(r.done)
			cmd := eng.Command(path, "cat")
			cmd.Stdin = r
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(300*time.Millisecond, cancel)
			res, err, _ := runBounded(t, ctx, cmd)
			wantStopped(t, res, err, context.Canceled)
		})
	}
}

// TestTimeoutStopsAtomicWait: memory.atomic.wait32 on a shared memory that
// no thread can notify would block forever, out of reach of epoch
// interruption. The engine has wasm threads off (no WASI threads are
// offered, so a shared memory serves nothing): such a program is refused
// when it is loaded, and cannot block.
func TestTimeoutStopsAtomicWait(t *testing.T) {
	eng := newEngine(t)
	cmd := eng.Command(testprog.WAT(t, "atomicwait"))
	cmd.Timeout = time.Second
	_, err, _ := runBounded(t, context.Background(), cmd)
	var ee *runner.ExitError
	if err == nil || errors.As(err, &ee) && ee.ExitCode() != -1 {
		t.Fatalf("got %v, want the program refused or stopped", err)
	}
	t.Logf("refused: %v", err)
}
