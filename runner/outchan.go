package runner

import (
	"io"
	"sync"
)

// A guest's output reaches a Cmd's writer through a pipe that wasmtime
// opens by path (it has no other way to hand a guest a host stream that
// does not cost a worker per store). Making a pipe, registering it with
// Go's poller and starting a goroutine to copy it cost more than a short
// run itself, so an Engine keeps its pipes, each with a reader goroutine
// that lives as long as the pipe (outChan), and lends one to each output
// of a run. The end of a run's output is not the pipe's end of file (the
// engine keeps the write end open for the next run): once the store is
// closed, wasmtime has closed its ends, every byte the guest wrote is in
// the pipe, and what is there is read out before the pipe goes back to
// the pool. A pipe lent to a run that never returns (an abandoned guest
// blocked forever) is never lent again.
//
// Waking the reader for each write costs more than a short run, too (the
// poller, a thread, the scheduler: 30–70 µs a run). So a pipe's reader
// waits for the run's output only once the run has lasted an epoch tick
// (10 ms; the engine's ticker kicks the pipes lent to runs); before that,
// output stays in the pipe, which holds 64 KiB, and a run that ends
// sooner has it all read when its pipe comes back. A guest that fills
// the pipe sooner waits for the tick.

// outTarget is where one run's output through an outChan goes: the Cmd's
// writer, behind its guard. It is used only under the outChan's lock.
type outTarget struct {
	st     *streams
	name   string // the stream, for the error of a writer that panics
	w      io.Writer
	failed bool // the writer failed or panicked: the rest is dropped
}

// deliver passes p to the writer. A writer that fails or panics takes no
// more output of the run; what the guest writes later is read and
// dropped, so it never blocks on a full pipe.
func (t *outTarget) deliver(p []byte) {
	if t == nil || t.failed {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			t.st.recovered(t.name, v)
			t.failed = true
		}
	}()
	if _, err := t.w.Write(p); err != nil {
		t.failed = true
	}
}

// maxIdleChans bounds the pipes an engine keeps between runs: two per
// run that can be under way at once on a wide machine.
const maxIdleChans = 128

// outPool is an engine's pipes: the idle ones, and those lent to runs.
// The zero value is ready to use.
type outPool struct {
	mu     sync.Mutex
	idle   []*outChan
	lent   map[*outChan]struct{}
	closed bool
}

// kick has the pipes lent to runs read as output arrives from now on
// (see outChan.kick); the engine's epoch ticker calls it at every tick.
func (p *outPool) kick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for ch := range p.lent {
		ch.kick()
	}
}

// get lends a pipe whose output goes to t until it is put back.
func (p *outPool) get(t *outTarget) (*outChan, error) {
	p.mu.Lock()
	var ch *outChan
	if n := len(p.idle); n > 0 {
		ch, p.idle = p.idle[n-1], p.idle[:n-1]
	}
	p.mu.Unlock()
	if ch == nil {
		var err error
		if ch, err = newOutChan(); err != nil {
			return nil, err
		}
	}
	ch.attach(t)
	p.mu.Lock()
	if p.lent == nil {
		p.lent = map[*outChan]struct{}{}
	}
	p.lent[ch] = struct{}{}
	p.mu.Unlock()
	return ch, nil
}

// put takes back a pipe whose run is over: wasmtime has closed its ends.
// The rest of the run's output is delivered first.
func (p *outPool) put(ch *outChan) {
	p.mu.Lock()
	delete(p.lent, ch)
	p.mu.Unlock()
	ch.detach()
	p.mu.Lock()
	keep := !p.closed && len(p.idle) < maxIdleChans
	if keep {
		p.idle = append(p.idle, ch)
	}
	p.mu.Unlock()
	if !keep {
		ch.close()
	}
}

// close closes the idle pipes; pipes still lent are closed when put back.
func (p *outPool) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, ch := range idle {
		ch.close()
	}
}
