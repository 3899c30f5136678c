package capi

import "time"

// WASI is what a guest may see of the world: its arguments, environment,
// standard streams and preopened directories. The zero value gives no
// arguments, no environment, empty stdin and discarded output.
type WASI struct {
	Args []string
	Env  [][2]string // name, value

	// StdinFile names a file (on Unix, /dev/fd/N of a pipe) to read stdin from;
	// InheritStdin gives the guest the process's own stdin instead.
	StdinFile    string
	InheritStdin bool

	// The guest's output goes to the process's own streams with Inherit
	// set, into a file (a path, or /dev/fd/N of a pipe) with File set, and
	// nowhere otherwise.
	InheritStdout, InheritStderr bool
	StdoutFile, StderrFile       string

	Dirs []Preopen

	// Fixed, if not nil, fixes the guest's wall clock and randomness; nil
	// gives it the host's.
	Fixed *Fixed
}

// Preopen is a host directory the guest sees at an absolute guest path.
type Preopen struct {
	Host, Guest string
	ReadOnly    bool
}

// Fixed makes a run reproducible: the guest's wall clock always reads
// WallClock and all its randomness comes from a generator seeded with Seed.
// For a component it replaces wasi:clocks/wall-clock and wasi:random/*;
// for a module clock_time_get (the realtime clock; monotonic stays real)
// and random_get. A component's monotonic clock cannot be replaced on
// wasmtime v39 (its subscribe functions return pollables C cannot make).
// A WallClock before 1970 reads as 1970.
type Fixed struct {
	WallClock time.Time
	Seed      [32]byte
}
