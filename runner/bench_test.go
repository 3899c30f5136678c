package runner

import (
	"context"
	"os"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// BenchmarkRunCompiled measures one instantiate + run of a hello program the
// engine has already compiled: the per-task cost inside one process.
func BenchmarkRunCompiled(b *testing.B) {
	for _, kind := range []string{"module", "component"} {
		b.Run(kind, func(b *testing.B) {
			eng, path := benchEngine(b), helloPath(b, kind)
			ctx := context.Background()
			if _, err := eng.Command(path).Run(ctx); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				res, err := eng.Command(path).Run(ctx)
				if err != nil || res.Source != Memory {
					b.Fatal(err, res.Source)
				}
			}
		})
	}
}

// BenchmarkCompile measures compiling the hello program from its bytes.
func BenchmarkCompile(b *testing.B) {
	for _, kind := range []string{"module", "component"} {
		b.Run(kind, func(b *testing.B) {
			eng := benchEngine(b)
			wasm, err := os.ReadFile(helloPath(b, kind))
			if err != nil {
				b.Fatal(err)
			}
			k, err := kindOf(wasm)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(wasm)))
			for b.Loop() {
				p, err := eng.compile(k, wasm, nil)
				if err != nil {
					b.Fatal(err)
				}
				p.c.Close()
			}
		})
	}
}

func benchEngine(b *testing.B) *Engine {
	eng, err := NewEngine(Options{StoreDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { eng.Close() })
	return eng
}

func helloPath(b *testing.B, kind string) string {
	if kind == "component" {
		return testprog.Component(b, "probe")
	}
	return testprog.Module(b, "probe")
}

// BenchmarkStart measures load + instantiate + run of a Go-built hello
// component three ways: cold (nothing compiled: compile and store), stored
// (a new engine, as in a new process, loading from a filled store), and
// memory (the same engine again: the per-task cost inside one process).
func BenchmarkStart(b *testing.B) {
	path := testprog.GoComponent(b, "hellogo")
	ctx := context.Background()
	runOnce := func(b *testing.B, eng *Engine, want Source) {
		res, err := eng.Command(path).Run(ctx)
		if err != nil || res.Source != want {
			b.Fatalf("%v (source %v, want %v)", err, res.Source, want)
		}
	}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			dir, _ := os.MkdirTemp(b.TempDir(), "store")
			eng, err := NewEngine(Options{StoreDir: dir})
			if err != nil {
				b.Fatal(err)
			}
			runOnce(b, eng, Compiled)
			eng.Close()
			os.RemoveAll(dir)
		}
	})
	b.Run("stored", func(b *testing.B) {
		dir := b.TempDir()
		warm, _ := NewEngine(Options{StoreDir: dir})
		runOnce(b, warm, Compiled)
		warm.Close()
		for b.Loop() {
			eng, err := NewEngine(Options{StoreDir: dir})
			if err != nil {
				b.Fatal(err)
			}
			runOnce(b, eng, Stored)
			eng.Close()
		}
	})
	b.Run("memory", func(b *testing.B) {
		eng := benchEngine(b)
		runOnce(b, eng, Compiled)
		for b.Loop() {
			runOnce(b, eng, Memory)
		}
	})
}
