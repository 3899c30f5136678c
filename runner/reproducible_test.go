package runner_test

import (
	"errors"
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

// hostileModule is a module that calls the shadowed preview1 functions
// with body, and exits with what the last call returned.
func hostileModule(body string, withMemory bool) string {
	mem := `(memory (export "memory") 1)`
	if !withMemory {
		mem = ""
	}
	return `(module
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  ` + mem + `
  (func (export "_start") ` + body + `))`
}

// TestReproducibleHostileModule calls the replaced clock_time_get and
// random_get with pointers past the end of memory, wrapping around, with
// no memory at all, and with odd clock ids: each fails (a trap) or returns
// the errno that wasmtime's own function gives, and the host neither
// crashes nor writes outside the guest's memory.
func TestReproducibleHostileModule(t *testing.T) {
	eng := newEngine(t)
	for _, tt := range []struct {
		name, body string
		memory     bool
		code       int // -1: the run fails
	}{
		{"random past the end", `(call $exit (call $random (i32.const 65530) (i32.const 100)))`, true, -1},
		{"random wraps around", `(call $exit (call $random (i32.const -8) (i32.const 16)))`, true, -1},
		{"clock past the end", `(call $exit (call $clock (i32.const 0) (i64.const 0) (i32.const 65532)))`, true, -1},
		{"cputime clock", `(call $exit (call $clock (i32.const 2) (i64.const 0) (i32.const 0)))`, true, 8},
		{"unknown clock", `(call $exit (call $clock (i32.const 99) (i64.const 0) (i32.const 0)))`, true, -1},
		{"in bounds", `(call $exit (call $random (i32.const 65528) (i32.const 8)))`, true, 0},
		{"no memory", `(call $exit (call $random (i32.const 0) (i32.const 8)))`, false, -1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := testprog.WATText(t, "hostile-"+strings.ReplaceAll(tt.name, " ", "-"), hostileModule(tt.body, tt.memory))
			cmd := eng.Command(path)
			cmd.Reproducible = &runner.Reproducible{}
			res, _, _, err := run(t, cmd)
			var ee *runner.ExitError
			if res.ExitCode != tt.code || (tt.code == -1 && (err == nil || errors.As(err, &ee))) {
				t.Errorf("exit %d (%v), want %d", res.ExitCode, err, tt.code)
			}
			if own, _, _, _ := run(t, eng.Command(path)); own.ExitCode != res.ExitCode {
				t.Errorf("exit %d, but %d with wasmtime's own functions", res.ExitCode, own.ExitCode)
			}
		})
	}
	// wasmtime's own random_get takes about a minute to refuse 4 GiB here;
	// the replacement refuses at once.
	path := testprog.WATText(t, "hostile-random-huge", hostileModule(`(call $exit (call $random (i32.const 0) (i32.const -1)))`, true))
	cmd := eng.Command(path)
	cmd.Reproducible = &runner.Reproducible{}
	if res, _, _, err := run(t, cmd); err == nil || res.ExitCode != -1 {
		t.Errorf("random_get of 4 GiB: exit %d (%v)", res.ExitCode, err)
	}
}
