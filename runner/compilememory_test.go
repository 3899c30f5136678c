package runner

import (
	"context"
	"math"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// TestCompileNeed: a program not yet compiled needs the memory of a
// compile of its size, at least the floor; once compiled (in memory, and
// in the store for a later engine) it needs none. Sizes beyond any real
// program do not overflow a sum of estimates.
func TestCompileNeed(t *testing.T) {
	path := testprog.Module(t, "probe")
	store := t.TempDir()
	for round, want := range []bool{true, false} {
		eng, err := NewEngine(Options{StoreDir: store})
		if err != nil {
			t.Fatal(err)
		}
		need, err := eng.CompileNeed(path)
		if err != nil || (need >= compileMemoryFloor) != want || (need == 0) == want {
			t.Errorf("round %d: need %d, %v; want a compile: %v", round, need, err, want)
		}
		if err := eng.Prepare(context.Background(), path); err != nil {
			t.Fatal(err)
		}
		if need, err := eng.CompileNeed(path); need != 0 || err != nil {
			t.Errorf("round %d: after Prepare, need %d, %v", round, need, err)
		}
		eng.Close()
	}
	if _, err := (&Engine{}).CompileNeed(t.TempDir() + "/missing.wasm"); err == nil {
		t.Error("no error for a missing program")
	}
	if got := CompileMemory(30_800_000); got < 900<<20 || got > 1200<<20 {
		t.Errorf("a Yosys-sized compile: %d bytes, want about 1 GiB", got)
	}
	if a := CompileMemory(math.MaxInt64); a <= 0 || a > math.MaxInt64/16 {
		t.Errorf("CompileMemory(MaxInt64) = %d", a)
	}
}
