// Package runner runs one WASI command program — a wasi:cli component or a
// WASI preview1 core module — in-process on a shared wasmtime engine.
//
// Its API follows os/exec: create an [Engine] once per process, make a [Cmd]
// with [Engine.Command], set its fields, and call [Cmd.Run]:
//
//	eng, err := runner.NewEngine(runner.Options{})
//	...
//	defer eng.Close()
//	cmd := eng.Command("tools/fmt.wasm", "--check")
//	cmd.Stdout = os.Stdout
//	res, err := cmd.Run(ctx)
//
// The guest sees only what the Cmd gives it: its arguments, environment,
// streams and preopened directories. Cancelling the context, or its
// Timeout, stops a running guest within milliseconds.
package runner

import (
	"sync"
	"time"

	"github.com/wasmtasks/wasmtasks/runner/internal/capi"
)

// tick is how often the engine's epoch advances while a guest runs: the
// granularity of timeouts and cancellation.
const tick = 10 * time.Millisecond

// Options configure an [Engine]. The zero value is ready to use.
type Options struct{}

// Engine compiles programs and runs them. One engine serves a whole process:
// it is safe for concurrent use, compiles each distinct program once and
// keeps the compiled code in memory for its lifetime. Close it when done.
type Engine struct {
	c *capi.Engine

	tickMu  sync.Mutex
	running int           // guests running now
	stopTik chan struct{} // closes to stop the epoch ticker

	progMu   sync.Mutex
	programs map[digest]*loadFlight
}

// NewEngine creates an engine.
func NewEngine(opts Options) (*Engine, error) {
	c, err := capi.NewEngine(capi.Settings{EpochInterruption: true})
	if err != nil {
		return nil, err
	}
	return &Engine{c: c, programs: make(map[digest]*loadFlight)}, nil
}

// Close frees the engine and every program it compiled. Runs must have
// finished first.
func (e *Engine) Close() error {
	e.progMu.Lock()
	for k, f := range e.programs {
		if f.prog != nil {
			f.prog.c.Close()
		}
		delete(e.programs, k)
	}
	e.progMu.Unlock()
	e.c.Close()
	return nil
}

// guestStarted starts the epoch ticker for the first running guest; the
// returned func marks the guest finished and stops the ticker after the last.
// Nothing ticks while no guest runs, so an idle engine costs nothing.
func (e *Engine) guestStarted() (done func()) {
	e.tickMu.Lock()
	defer e.tickMu.Unlock()
	e.running++
	if e.running == 1 {
		e.stopTik = make(chan struct{})
		go e.tickEpochs(e.stopTik)
	}
	return func() {
		e.tickMu.Lock()
		defer e.tickMu.Unlock()
		e.running--
		if e.running == 0 {
			close(e.stopTik)
		}
	}
}

func (e *Engine) tickEpochs(stop <-chan struct{}) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			e.c.IncrementEpoch()
		}
	}
}
