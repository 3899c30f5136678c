//go:build cgo

package runner

import (
	"context"
	"io"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/internal/wtfloor"
)

// BenchmarkPerTask measures one run of the C hello program whose compiled
// code the engine holds already (the per-task cost inside one process),
// next to the floor measured in the same run: the wasmtime-go API running
// the same compiled module, a store per run, as the bench harness's floor
// does. Compare the ratios, not the absolute times:
//
//	go test ./runner -run '^$' -bench PerTask -benchtime 2000x -count 5
func BenchmarkPerTask(b *testing.B) {
	module, component := testprog.Module(b, "probe"), testprog.Component(b, "probe")
	b.Run("floor", func(b *testing.B) { benchLoop(b, floorRunner(b, module)) })
	for _, c := range []struct {
		name, path string
		out        io.Writer
	}{
		{"module", module, nil},
		{"module-writer", module, io.Discard},
		{"component", component, nil},
		{"component-writer", component, io.Discard},
	} {
		b.Run(c.name, func(b *testing.B) {
			eng := benchEngine(b)
			ctx := context.Background()
			benchLoop(b, func() error {
				cmd := eng.Command(c.path)
				cmd.Stdout, cmd.Stderr = c.out, c.out
				_, err := cmd.Run(ctx)
				return err
			})
		})
	}
}

// benchLoop runs f once to warm up, then b.N times.
func benchLoop(b *testing.B, f func() error) {
	if err := f(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := f(); err != nil {
			b.Fatal(err)
		}
	}
}

// floorRunner is the floor's run of the module at path.
func floorRunner(b *testing.B, path string) func() error {
	run, err := wtfloor.Runner(path, "probe")
	if err != nil {
		b.Fatal(err)
	}
	return run
}
