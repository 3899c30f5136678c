//go:build unix

package runner

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
)

// outChan is a pipe kept across runs (see outchan.go): wasmtime opens the
// write end by its path for each run, and a goroutine that lives as long
// as the pipe reads what the guest writes and delivers it to the target
// of the run that has the pipe now.
type outChan struct {
	r    *os.File // the read end, non-blocking, read by serve and detach
	w    *os.File // the write end, kept open so that path opens the pipe
	path string   // /dev/fd/N of w, which wasmtime opens for each run

	mu     sync.Mutex // held while reading and delivering
	target *outTarget // the current run's, nil between runs
	buf    []byte
}

func newOutChan() (*outChan, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("output pipe: %w", err)
	}
	// pipePath puts w in blocking mode (through Fd): a guest that writes
	// faster than the Cmd's writer takes it waits, and nothing piles up.
	path, err := pipePath(w)
	if err != nil {
		r.Close()
		w.Close()
		return nil, err
	}
	ch := &outChan{r: r, w: w, path: path, buf: make([]byte, 32<<10)}
	rc, err := r.SyscallConn()
	if err != nil {
		ch.close()
		return nil, fmt.Errorf("output pipe: %w", err)
	}
	go ch.serve(rc)
	return ch, nil
}

// serve delivers output as it arrives, until the pipe is closed.
func (ch *outChan) serve(rc syscall.RawConn) {
	_ = rc.Read(func(fd uintptr) bool {
		ch.mu.Lock()
		ch.drain(int(fd))
		ch.mu.Unlock()
		return false // wait for more
	})
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
		return // empty (EAGAIN), or an end or error of a closed pipe
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
	defer ch.mu.Unlock()
	if rc, err := ch.r.SyscallConn(); err == nil {
		_ = rc.Control(func(fd uintptr) { ch.drain(int(fd)) })
	}
	ch.target = nil
}

// close closes the pipe; serve returns.
func (ch *outChan) close() {
	ch.w.Close()
	ch.r.Close()
}
