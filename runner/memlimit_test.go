package runner_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
)

// TestMemoryLimitBoundsTables: a table is memory too (8 bytes an element
// in wasmtime); under a 64 MiB limit, growing a table by 1 GiB of elements
// fails in the guest.
func TestMemoryLimitBoundsTables(t *testing.T) {
	eng := newEngine(t)
	cmd := eng.Command(testprog.WAT(t, "tablegrow"))
	cmd.MemoryLimit = 64 << 20
	before := rss(t)
	res, err := cmd.Run(context.Background())
	t.Logf("exit %d (%v); resident memory %d MiB before, %d MiB after", res.ExitCode, err, before>>20, rss(t)>>20)
	var ee *runner.ExitError
	if !errors.As(err, &ee) || res.ExitCode != 1 {
		t.Errorf("got %v (exit %d), want exit 1: table.grow must fail", err, res.ExitCode)
	}
}

// manyMemories is a module with n memories; it grows each in 1 MiB steps,
// writing every byte it gets, up to mib MiB a memory, and exits with the
// MiB it got in all, divided by 8 (exit statuses stop at 125).
func manyMemories(n, mib int) string {
	var b strings.Builder
	b.WriteString("(module\n(import \"wasi_snapshot_preview1\" \"proc_exit\" (func $exit (param i32)))\n")
	b.WriteString("(global $total (mut i32) (i32.const 0))\n")
	b.WriteString("(memory $m0 (export \"memory\") 0)\n") // proc_exit wants it
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "(memory $m%d 0)\n", i)
	}
	for i := range n {
		fmt.Fprintf(&b, `(func $grow%[1]d (local $k i32) (local $page i32)
  (block $done (loop $more
    (br_if $done (i32.ge_u (local.get $k) (i32.const %[2]d)))
    (local.set $page (memory.grow $m%[1]d (i32.const 16)))
    (br_if $done (i32.eq (local.get $page) (i32.const -1)))
    (memory.fill $m%[1]d (i32.mul (local.get $page) (i32.const 65536)) (i32.const 1) (i32.const 1048576))
    (global.set $total (i32.add (global.get $total) (i32.const 1)))
    (local.set $k (i32.add (local.get $k) (i32.const 1)))
    (br $more))))
`, i, mib)
	}
	b.WriteString("(func (export \"_start\")\n")
	for i := range n {
		fmt.Fprintf(&b, "  (call $grow%d)\n", i)
	}
	b.WriteString("  (call $exit (i32.div_u (global.get $total) (i32.const 8))))\n)\n")
	return b.String()
}

// TestMemoryLimitBoundsManyMemories: the limit bounds the guest's total,
// not each memory: a module with 100 memories, each growing to 8 MiB (800
// MiB in all without a limit), gets at most 64 MiB under a 64 MiB limit.
func TestMemoryLimitBoundsManyMemories(t *testing.T) {
	eng := newEngine(t)
	path := testprog.WATText(t, "manymem", manyMemories(100, 8))
	cmd := eng.Command(path)
	cmd.MemoryLimit = 64 << 20
	res, err := cmd.Run(context.Background())
	got := res.ExitCode * 8
	t.Logf("the guest got about %d MiB (%v)", got, err)
	if res.ExitCode < 0 || got > 64 {
		t.Errorf("got %d MiB (exit %d, %v) under a 64 MiB limit", got, res.ExitCode, err)
	}
}

// TestMemoryCountFailsClosed: a command component that instantiates a
// module twice would create more memories than it defines, each with its
// own share of the limit; it is refused with an error that says how the
// limit was divided.
func TestMemoryCountFailsClosed(t *testing.T) {
	eng := newEngine(t)
	path := testprog.WATText(t, "twice", `(component
  (core module $m (memory 1) (func (export "run") (result i32) (i32.const 0)))
  (core instance $a (instantiate $m))
  (core instance $b (instantiate $m))
  (func $run (result (result)) (canon lift (core func $a "run")))
  (instance $i (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $i)))`)
	if _, err := eng.Command(path).Run(context.Background()); err != nil {
		t.Fatalf("without a limit: %v", err)
	}
	cmd := eng.Command(path)
	cmd.MemoryLimit = 64 << 20
	_, err := cmd.Run(context.Background())
	var ee *runner.ExitError
	if err == nil || errors.As(err, &ee) {
		t.Fatalf("got %v, want an instantiation error", err)
	}
	t.Logf("refused: %v", err)
}
