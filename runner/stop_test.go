package runner_test

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"syscall"
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

// mkfifo makes a named pipe in dir; opening it for reading blocks until a
// writer comes.
func mkfifo(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTimeoutStopsGuestOpeningFIFO: a guest that opens a named pipe in its
// folder blocks in the host's open(2) until a writer comes.
func TestTimeoutStopsGuestOpeningFIFO(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			fifo := mkfifo(t, dir)
			// Let the blocked guest go at the end, so it can be freed.
			defer releaseFIFO(fifo)
			cmd := eng.Command(path, "read", "/d/fifo")
			cmd.Dirs = []runner.Dir{{Host: dir, Guest: "/d"}}
			cmd.Timeout = time.Second
			res, err, _ := runBounded(t, context.Background(), cmd)
			wantStopped(t, res, err, context.DeadlineExceeded)
		})
	}
}

// releaseFIFO opens the named pipe for writing without blocking, which
// wakes the readers blocked opening it, and closes it at once (they read
// end of file).
func releaseFIFO(path string) bool {
	fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false // no reader waits
	}
	syscall.Close(fd)
	return true
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

// TestOutputAfterAbandonIsDropped: once Run has returned, the Cmd's writers
// get nothing more, even though the abandoned guest may still hold its
// end of the pipe.
func TestOutputAfterAbandonIsDropped(t *testing.T) {
	eng := newEngine(t)
	dir := t.TempDir()
	fifo := mkfifo(t, dir)
	defer releaseFIFO(fifo)
	w := &countingWriter{}
	cmd := eng.Command(testprog.Module(t, "probe"), "read", "/d/fifo")
	cmd.Dirs = []runner.Dir{{Host: dir, Guest: "/d"}}
	cmd.Stdout, cmd.Stderr = w, w
	cmd.Timeout = 300 * time.Millisecond
	_, err, _ := runBounded(t, context.Background(), cmd)
	wantStopped(t, runner.Result{ExitCode: -1}, err, context.DeadlineExceeded)
	n := w.n.Load()
	// The guest wakes up, traps, and its store and pipes are freed.
	for !releaseFIFO(fifo) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	if got := w.n.Load(); got != n {
		t.Errorf("the writer got %d bytes after Run returned", got-n)
	}
}

// TestStuckRunsAreBounded: runs abandoned in a blocked host call are
// counted; while MaxStuckRuns of them are still blocked, Run refuses new
// runs at once with ErrStuckRuns, and accepts them again once the blocked
// calls return.
func TestStuckRunsAreBounded(t *testing.T) {
	eng := newEngine(t)
	path := testprog.Module(t, "probe")
	dir := t.TempDir()
	fifo := mkfifo(t, dir)
	defer releaseFIFO(fifo)
	// Compile first, so that every run below reaches its open in time.
	if _, err := eng.Command(path, "args").Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	start := func() error {
		cmd := eng.Command(path, "read", "/d/fifo")
		cmd.Dirs = []runner.Dir{{Host: dir, Guest: "/d"}}
		cmd.Timeout = time.Second
		_, err, _ := runBounded(t, context.Background(), cmd)
		return err
	}
	errs := make(chan error, runner.MaxStuckRuns)
	for range runner.MaxStuckRuns {
		go func() { errs <- start() }()
	}
	for range runner.MaxStuckRuns {
		if err := <-errs; !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v, want a timeout", err)
		}
	}
	began := time.Now()
	_, err := eng.Command(path, "args").Run(context.Background())
	if !errors.Is(err, runner.ErrStuckRuns) {
		t.Fatalf("run past the bound: got %v, want ErrStuckRuns", err)
	}
	t.Logf("refused after %v: %v", time.Since(began), err)
	for !releaseFIFO(fifo) {
		time.Sleep(10 * time.Millisecond)
	}
	deadline := time.Now().Add(blockedBound)
	for {
		_, err := eng.Command(path, "args").Run(context.Background())
		if err == nil {
			break
		}
		if !errors.Is(err, runner.ErrStuckRuns) || time.Now().After(deadline) {
			t.Fatalf("after the blocked calls returned: %v", err)
		}
		releaseFIFO(fifo)
		time.Sleep(20 * time.Millisecond)
	}
}
