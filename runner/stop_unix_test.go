//go:build unix

package runner_test

import (
	"context"
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
)

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
