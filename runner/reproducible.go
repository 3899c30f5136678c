package runner

import (
	"time"

	"github.com/wasmtasks/wasmtasks/runner/internal/capi"
)

// Reproducible is what a reproducible run's guest sees instead of the
// host's clock and entropy (see [Cmd.Reproducible]).
//
// For a component, wasi:clocks/wall-clock and every function of
// wasi:random/random, wasi:random/insecure and wasi:random/insecure-seed are
// replaced; for a preview1 module, clock_time_get of the realtime clock and
// random_get. Not fixed, because wasmtime v39's C API cannot replace them:
// a component's monotonic clock (its subscribe functions return pollables
// that only wasmtime can make), the order of directory listings, and the
// timestamps of files the guest reads. A module's monotonic clock counts
// from the start of the run.
type Reproducible struct {
	// Clock is what the guest's wall clock reads all the time. The zero
	// value, and any time before 1970, reads as 1970-01-01T00:00:00Z.
	Clock time.Time

	// Seed seeds the generator (ChaCha8) behind all the guest's random
	// bytes: the same seed gives the same bytes in the same order. The zero
	// value is a valid seed.
	Seed [32]byte
}

// fixed converts r for the binding; nil stays nil.
func (r *Reproducible) fixed() *capi.Fixed {
	if r == nil {
		return nil
	}
	return &capi.Fixed{WallClock: r.Clock, Seed: r.Seed}
}
