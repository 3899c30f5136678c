//go:build unix

package runner

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"
)

// outChan is a pipe kept across runs (see outchan.go): wasmtime opens the
// write end by its path for each run; the output is read when the run's
// pipe comes back (detach), and, once the run has lasted a tick, as it
// arrives by a goroutine that lives as long as the pipe (serve).
//
// The read end is not registered with Go's poller between such times: a
// registered pipe wakes the poller's thread for every write of a guest,
// whether anyone waits for it or not, which cost a short run more than
// everything else it did.
type outChan struct {
	rfd  int      // the read end, non-blocking
	w    *os.File // the write end, kept open so that path opens the pipe
	path string   // /dev/fd/N of w, which wasmtime opens for each run

	mu     sync.Mutex // held while reading and delivering
	target *outTarget // the current run's, nil between runs
	buf    []byte

	wake     chan struct{} // kick's request to read as output arrives
	streamMu sync.Mutex
	stream   *os.File // serve's registered copy of rfd while it streams
}

func newOutChan() (*outChan, error) {
	var p [2]int
	if err := pipe(p[:]); err != nil {
		return nil, fmt.Errorf("output pipe: %w", err)
	}
	// The write end blocks (the path opens it anew, with the same mode on
	// some systems): a guest that writes faster than the Cmd's writer
	// takes it waits, and nothing piles up.
	w := os.NewFile(uintptr(p[1]), "|1")
	path, err := pipePath(w)
	if err != nil {
		syscall.Close(p[0])
		w.Close()
		return nil, err
	}
	ch := &outChan{rfd: p[0], w: w, path: path, buf: make([]byte, 32<<10), wake: make(chan struct{}, 1)}
	go ch.serve()
	return ch, nil
}

// pipe makes a pipe whose read end does not block; both ends close on exec.
func pipe(p []int) error {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	if err := syscall.Pipe(p); err != nil {
		return err
	}
	syscall.CloseOnExec(p[0])
	syscall.CloseOnExec(p[1])
	if err := syscall.SetNonblock(p[0], true); err != nil {
		syscall.Close(p[0])
		syscall.Close(p[1])
		return err
	}
	return nil
}

// serve delivers the current run's output as it arrives, each time it is
// kicked, until the run is detached; it returns when the pipe is closed.
func (ch *outChan) serve() {
	for range ch.wake {
		f, err := ch.openStream()
		if err != nil {
			continue // the next tick kicks again; detach reads the rest
		}
		if rc, err := f.SyscallConn(); err == nil {
			_ = rc.Read(func(fd uintptr) bool {
				ch.mu.Lock()
				defer ch.mu.Unlock()
				ch.drain(int(fd))
				return ch.target == nil // detached: wait for the next kick
			})
		}
		ch.streamMu.Lock()
		ch.stream = nil
		ch.streamMu.Unlock()
		f.Close()
	}
}

// openStream registers a copy of the read end with the poller.
func (ch *outChan) openStream() (*os.File, error) {
	fd, err := dupCloseOnExec(ch.rfd)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), "|0") // non-blocking: the poller takes it
	ch.streamMu.Lock()
	ch.stream = f
	ch.streamMu.Unlock()
	return f, nil
}

func dupCloseOnExec(fd int) (int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	nfd, err := syscall.Dup(fd)
	if err == nil {
		syscall.CloseOnExec(nfd)
	}
	return nfd, err
}

// kick has serve read the current run's output as it arrives.
func (ch *outChan) kick() {
	ch.streamMu.Lock()
	streaming := ch.stream != nil
	ch.streamMu.Unlock()
	if streaming {
		return
	}
	select {
	case ch.wake <- struct{}{}:
	default: // a kick is pending already
	}
}

// drain reads and delivers what the pipe holds now. The caller holds mu.
func (ch *outChan) drain(fd int) {
	for {
		n, err := syscall.Read(fd, ch.buf)
		if n > 0 {
			ch.target.deliver(ch.buf[:n])
			continue
		}
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		return // empty (EAGAIN), or an error of a closed pipe
	}
}

// attach starts a run's use of the pipe.
func (ch *outChan) attach(t *outTarget) {
	ch.mu.Lock()
	ch.target = t
	ch.mu.Unlock()
}

// detach ends a run's use of the pipe once wasmtime has closed the ends it
// opened: every byte the guest wrote is in the pipe by then, and is
// delivered before detach returns.
func (ch *outChan) detach() {
	ch.mu.Lock()
	ch.drain(ch.rfd)
	ch.target = nil
	ch.mu.Unlock()
	ch.streamMu.Lock()
	defer ch.streamMu.Unlock()
	if ch.stream != nil {
		// serve waits in the poller: end its wait now.
		_ = ch.stream.SetReadDeadline(time.Now())
	}
}

// close closes the pipe; serve returns. The pipe is lent to no run.
func (ch *outChan) close() {
	close(ch.wake)
	ch.w.Close()
	syscall.Close(ch.rfd)
}
