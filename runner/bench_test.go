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
				p, err := eng.compile(k, wasm)
				if err != nil {
					b.Fatal(err)
				}
				p.c.Close()
			}
		})
	}
}

func benchEngine(b *testing.B) *Engine {
	eng, err := NewEngine(Options{CacheDir: b.TempDir()})
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
