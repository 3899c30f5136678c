package tasks

import (
	"context"
	"sync"
)

// workers run tasks, at most one per worker at a time: the -j limit.
//
// A task waits for its dependencies on a goroutine of its own, but runs on
// a long-lived worker. A goroutine started per task would grow its stack
// from the minimum through every check and run (copying it each time), and
// thousands of them waiting at once are what the garbage collector scans;
// a worker's stack has grown once.
type workers struct {
	n     int
	start sync.Once
	jobs  chan func()
	quit  chan struct{}
	stops sync.Once
}

func newWorkers(n int) workers {
	return workers{n: n, jobs: make(chan func()), quit: make(chan struct{})}
}

// do runs f on a worker and returns true when it has run, or returns false
// at once when ctx ends (or the workers stop) before a worker is free.
func (w *workers) do(ctx context.Context, f func()) bool {
	w.start.Do(func() {
		for range w.n {
			go w.loop()
		}
	})
	done := make(chan struct{})
	job := func() {
		defer close(done)
		f()
	}
	select {
	case w.jobs <- job:
	case <-ctx.Done():
		return false
	case <-w.quit:
		return false
	}
	<-done
	return true
}

func (w *workers) loop() {
	for {
		select {
		case f := <-w.jobs:
			f()
		case <-w.quit:
			return
		}
	}
}

// stop ends the workers once the jobs they run return.
func (w *workers) stop() { w.stops.Do(func() { close(w.quit) }) }
