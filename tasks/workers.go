package tasks

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
)

// workers run tasks, at most one per worker at a time: the -j limit.
//
// A task waits for its dependencies on a goroutine of its own, but runs on
// a long-lived worker. A goroutine started per task would grow its stack
// from the minimum through every check and run (copying it each time), and
// thousands of them waiting at once are what the garbage collector scans;
// a worker's stack has grown once. Workers start when a task finds none
// idle, up to n: -j is a limit, and a huge one must not start that many
// goroutines up front.
type workers struct {
	n       int64
	started atomic.Int64
	jobs    chan func()
	quit    chan struct{}
	stops   sync.Once
}

func newWorkers(n int) workers {
	return workers{n: int64(n), jobs: make(chan func()), quit: make(chan struct{})}
}

// do runs f on a worker and returns true when it has run, or returns false
// at once when ctx ends (or the workers stop) before a worker is free.
func (w *workers) do(ctx context.Context, f func()) bool {
	done := make(chan struct{})
	job := func() {
		defer close(done)
		f()
	}
	select {
	case w.jobs <- job: // an idle worker took it
	case <-w.quit:
		return false
	default:
		if w.grow() {
			go w.loop(job)
			break
		}
		select {
		case w.jobs <- job:
		case <-ctx.Done():
			return false
		case <-w.quit:
			return false
		}
	}
	<-done
	return true
}

// grow counts a new worker in, if fewer than n have started.
func (w *workers) grow() bool {
	for {
		s := w.started.Load()
		if s >= w.n {
			return false
		}
		if w.started.CompareAndSwap(s, s+1) {
			return true
		}
	}
}

// loop runs first, then the jobs handed to it until the workers stop.
func (w *workers) loop(first func()) {
	for f := first; f != nil; {
		f()
		select {
		case f = <-w.jobs:
		case <-w.quit:
			return
		}
	}
}

// stop ends the workers once the jobs they run return.
func (w *workers) stop() { w.stops.Do(func() { close(w.quit) }) }

// ParseJobs reads a -j or WASMTASKS_JOBS value: a number of tasks of at
// least 1 (leaving it unset, not 0, is how to ask for the number of CPUs).
func ParseJobs(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, errors.New("want a number of tasks of at least 1")
	}
	return n, nil
}
