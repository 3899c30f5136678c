package runner_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/wasmtasks/wasmtasks/runner"
)

// compiles records what Cmd.OnCompile reported.
type compiles struct {
	mu            sync.Mutex
	started, done int
	sizes         []int64
}

func (c *compiles) hook(size int64) func() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.started++
	c.sizes = append(c.sizes, size)
	return func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.done++
	}
}

// TestOnCompile runs a real program several times, at once and after one
// another: only the run that really compiles it reports the compile, with
// the program's size, and says when it ended; runs that wait for that
// compile, reuse it, or load the stored code report nothing.
func TestOnCompile(t *testing.T) {
	dir := t.TempDir()
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			var got compiles
			eng, err := runner.NewEngine(runner.Options{StoreDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					cmd := eng.Command(path, "args", "x")
					cmd.OnCompile = got.hook
					if _, err := cmd.Run(context.Background()); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			eng.Close()
			if got.started != 1 || got.done != 1 || got.sizes[0] != fi.Size() {
				t.Errorf("4 runs at once on a fresh store: %d compiles started, %d ended, sizes %v; want 1, 1, [%d]",
					got.started, got.done, got.sizes, fi.Size())
			}

			// A second engine (a second process) loads the stored code.
			eng2, err := runner.NewEngine(runner.Options{StoreDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			defer eng2.Close()
			cmd := eng2.Command(path, "args", "x")
			cmd.OnCompile = got.hook
			if _, err := cmd.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got.started != 1 {
				t.Errorf("loading stored code reported a compile")
			}
		})
	}
}
