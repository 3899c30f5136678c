package capi

import (
	"math/rand/v2"
	"time"
)

// hostState is what the host functions of a store reach through the store's
// data (a cgo.Handle): the fixed clock and the seeded generator of a
// reproducible run, nil otherwise.
type hostState struct {
	fixed *fixedState
}

// fixedState is the per-run state behind the shadowed WASI functions.
type fixedState struct {
	secs  uint64
	nanos uint32
	rng   *rand.ChaCha8
	start time.Time // what a module's monotonic clock counts from
}

func newFixedState(f *Fixed) *fixedState {
	st := &fixedState{rng: rand.NewChaCha8(f.Seed), start: time.Now()}
	if !f.WallClock.Before(time.Unix(0, 0)) {
		st.secs, st.nanos = uint64(f.WallClock.Unix()), uint32(f.WallClock.Nanosecond())
	}
	return st
}

// What the shadowed clock_time_get returns besides success: the WASI
// errno that wasmtime's own returns for the CPU-time clocks, and
// invalidClock, on which it traps as wasmtime's own does.
const (
	errnoBadf    = 8
	invalidClock = -1
)

// clockTime answers preview1's clock_time_get: realtime is the fixed time,
// monotonic counts real nanoseconds from the start of the run (it cannot
// change output that does not print durations, and programs need it to
// measure timeouts), the CPU-time clocks are refused and an unknown clock
// traps, as wasmtime's own function does.
func (st *fixedState) clockTime(id int32) (uint64, int32) {
	switch id {
	case 0:
		return st.secs*1e9 + uint64(st.nanos), 0
	case 1:
		return uint64(time.Since(st.start)) + 1, 0
	case 2, 3:
		return 0, errnoBadf
	}
	return 0, invalidClock
}
