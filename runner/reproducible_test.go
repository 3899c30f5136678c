package runner_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
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

// randomComponent is a component that calls wasi:random's insecure-seed,
// get-random-u64 or get-random-bytes (as mode says) and succeeds only when
// the values are want0 and want1, or when the call returns at all.
func randomComponent(mode string, want0, want1 uint64) string {
	var body string
	switch mode {
	case "seed":
		body = fmt.Sprintf(`(call $seed (i32.const 0))
      (if (result i32) (i32.and (i64.eq (i64.load (i32.const 0)) (i64.const %d))
                                (i64.eq (i64.load (i32.const 8)) (i64.const %d)))
        (then (i32.const 0)) (else (i32.const 1)))`, int64(want0), int64(want1))
	case "u64":
		body = fmt.Sprintf(`(if (result i32) (i64.eq (call $u64) (i64.const %d))
        (then (i32.const 0)) (else (i32.const 1)))`, int64(want0))
	case "huge":
		body = `(call $bytes (i64.const 2097152) (i32.const 16)) (i32.const 0)`
	}
	return `(component
  (import "wasi:random/insecure-seed@0.2.0" (instance $iseed
    (export "insecure-seed" (func (result (tuple u64 u64))))))
  (import "wasi:random/random@0.2.0" (instance $rand
    (export "get-random-bytes" (func (param "len" u64) (result (list u8))))
    (export "get-random-u64" (func (result u64)))))
  (core module $mm
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $next))
      (global.set $next (i32.add (global.get $next) (local.get 3)))
      (local.get $p)))
  (core instance $mi (instantiate $mm))
  (alias core export $mi "memory" (core memory $memory))
  (alias core export $mi "realloc" (core func $realloc))
  (alias export $iseed "insecure-seed" (func $seed_f))
  (alias export $rand "get-random-bytes" (func $bytes_f))
  (alias export $rand "get-random-u64" (func $u64_f))
  (core func $seed_l (canon lower (func $seed_f) (memory $memory)))
  (core func $bytes_l (canon lower (func $bytes_f) (memory $memory) (realloc $realloc)))
  (core func $u64_l (canon lower (func $u64_f)))
  (core module $main
    (import "host" "seed" (func $seed (param i32)))
    (import "host" "bytes" (func $bytes (param i64 i32)))
    (import "host" "u64" (func $u64 (result i64)))
    (import "host" "memory" (memory 1))
    (func (export "run") (result i32)
      ` + body + `))
  (core instance $host
    (export "seed" (func $seed_l)) (export "bytes" (func $bytes_l))
    (export "u64" (func $u64_l)) (export "memory" (memory $memory)))
  (core instance $mainI (instantiate $main (with "host" (instance $host))))
  (func $run (result (result)) (canon lift (core func $mainI "run")))
  (instance $runI (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $runI)))`
}

// TestReproducibleComponentRandom calls the replaced wasi:random functions
// that a C program does not reach through the preview1 adapter: insecure-seed
// and get-random-u64 return the seed's first bytes (ChaCha8, little
// endian), and get-random-bytes refuses 2 MiB at once instead of building a
// list of 64 MiB on the host.
func TestReproducibleComponentRandom(t *testing.T) {
	eng := newEngine(t)
	var b [16]byte
	_, _ = rand.NewChaCha8([32]byte{}).Read(b[:])
	w0, w1 := binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])
	for _, tt := range []struct {
		mode   string
		w0, w1 uint64
		ok     bool
	}{
		{"seed", w0, w1, true},
		{"u64", w0, 0, true},
		{"huge", 0, 0, false},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			path := testprog.WATText(t, "random-"+tt.mode, randomComponent(tt.mode, tt.w0, tt.w1))
			cmd := eng.Command(path)
			cmd.Reproducible = &runner.Reproducible{}
			res, _, _, err := run(t, cmd)
			if ok := err == nil && res.ExitCode == 0; ok != tt.ok {
				t.Errorf("exit %d (%v), want success %v", res.ExitCode, err, tt.ok)
			}
			if tt.ok {
				// Without reproducible mode the values are the host's.
				if res, _, _, err := run(t, eng.Command(path)); err == nil && res.ExitCode == 0 {
					t.Errorf("the host's randomness gave the seed's values")
				}
			}
		})
	}
}
