package runner

import (
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// TestRunsWhatThePoolRefuses runs programs that define more than the
// pooling allocator's slots hold (a table of 9 million elements, a module
// with 18 memories): they ran before the pool came, and must still run,
// compiled and loaded from the store, on an engine that maps on demand.
func TestRunsWhatThePoolRefuses(t *testing.T) {
	const exit = `(import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func (export "_start") (call $exit (i32.const 0)))`
	for name, defs := range map[string]string{
		"big-table":     `(memory (export "memory") 1) (table 9000000 funcref)`,
		"many-memories": `(memory (export "memory") 1)` + strings.Repeat(` (memory 1)`, 17),
	} {
		t.Run(name, func(t *testing.T) {
			path := testprog.WATText(t, name, "(module "+exit+" "+defs+")")
			dir := t.TempDir()
			for _, want := range []Source{Compiled, Memory, Stored} {
				eng := storeEngine(t, dir, nil)
				run := func() Source {
					res, err := eng.Command(path).Run(t.Context())
					if err != nil {
						t.Fatal(err)
					}
					return res.Source
				}
				if want == Memory {
					run()
				}
				if got := run(); got != want {
					t.Errorf("source %v, want %v", got, want)
				}
			}
		})
	}
}
