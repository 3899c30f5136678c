package testprog

import (
	"fmt"
	"strings"
	"testing"
)

// SlowCompile returns a preview1 command module that takes seconds to
// compile (about 3.5 s on the project's 2-core machine, longer under -race
// load) and then exits 0 at once: for tests that stop a run while its
// program compiles, as a 30 MB tool does for 15 s.
func SlowCompile(tb testing.TB) string {
	tb.Helper()
	return WATText(tb, "slowcompile", slowCompileText(slowFuncs, slowSteps))
}

// The module's size: slowFuncs functions of slowSteps steps each, every
// one live (the entry point calls them all), so the compiler cannot drop
// any.
const slowFuncs, slowSteps = 1000, 20

func slowCompileText(funcs, steps int) string {
	var b strings.Builder
	b.WriteString("(module\n(memory (export \"memory\") 1)\n")
	for i := range funcs {
		fmt.Fprintf(&b, "(func $f%d (param $a i32) (result i32) (local $x i32) (local $y i32)\n", i)
		for j := range steps {
			fmt.Fprintf(&b, "  (local.set $x (i32.add (i32.mul (local.get $x) (i32.const %d)) (i32.xor (local.get $a) (local.get $y))))\n", 31+j)
			fmt.Fprintf(&b, "  (local.set $y (i32.rotl (local.get $y) (local.get $x)))\n")
		}
		b.WriteString("  (i32.add (local.get $x) (local.get $y)))\n")
	}
	b.WriteString("(func (export \"_start\") (local $s i32)\n")
	for i := range funcs {
		fmt.Fprintf(&b, "  (local.set $s (call $f%d (local.get $s)))\n", i)
	}
	b.WriteString("  (i32.store (i32.const 0) (local.get $s)))\n)\n")
	return b.String()
}
