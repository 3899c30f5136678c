package runner_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
)

// stamp runs the stamp guest, which prints the wall-clock time and 32
// random bytes, and returns what it printed.
func stamp(t *testing.T, eng *runner.Engine, path string, r *runner.Reproducible) string {
	t.Helper()
	cmd := eng.Command(path)
	cmd.Reproducible = r
	_, out, errOut, err := run(t, cmd)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	return out
}

// TestReproducibleFixesClockAndRandomness runs a guest that prints the time
// and random bytes twice: in reproducible mode both runs print the same
// bytes, the fixed time and the seed's bytes; without it they differ.
func TestReproducibleFixesClockAndRandomness(t *testing.T) {
	eng := newEngine(t)
	fixed := &runner.Reproducible{Clock: time.Unix(1700000000, 5), Seed: [32]byte{1, 2, 3}}
	other := &runner.Reproducible{Clock: fixed.Clock, Seed: [32]byte{9}}
	for kind, path := range map[string]string{
		"module":    testprog.Module(t, "stamp"),
		"component": testprog.Component(t, "stamp"),
	} {
		t.Run(kind, func(t *testing.T) {
			a, b := stamp(t, eng, path, fixed), stamp(t, eng, path, fixed)
			if a != b {
				t.Errorf("reproducible runs differ:\n%s\n%s", a, b)
			}
			if !strings.HasPrefix(a, "time 1700000000.000000005\n") {
				t.Errorf("the wall clock is not the fixed time:\n%s", a)
			}
			if c := stamp(t, eng, path, other); c == a || !strings.HasPrefix(c, "time 1700000000.000000005\n") {
				t.Errorf("another seed, the same random bytes or another time:\n%s\n%s", a, c)
			}
			if z := stamp(t, eng, path, &runner.Reproducible{}); !strings.HasPrefix(z, "time 0.000000000\n") {
				t.Errorf("the zero Reproducible does not read the Unix epoch:\n%s", z)
			}
			x, y := stamp(t, eng, path, nil), stamp(t, eng, path, nil)
			if x == y {
				t.Errorf("runs without reproducible mode printed the same:\n%s", x)
			}
			if now := fmt.Sprintf("time %d", time.Now().Unix()/1000); !strings.HasPrefix(x, now) {
				t.Errorf("without reproducible mode the clock is not the host's (want prefix %q):\n%s", now, x)
			}
		})
	}
}
