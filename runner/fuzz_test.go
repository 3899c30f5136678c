package runner_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
)

var (
	fuzzEngineOnce sync.Once
	fuzzEngine     *runner.Engine
)

// FuzzLoad runs random and mutated program bytes: every input must end in
// a result or an error, never a panic, a crash of the process or a hang.
// The committed corpus in testdata/fuzz/FuzzLoad replays in every test run.
func FuzzLoad(f *testing.F) {
	for _, p := range []string{testprog.Module(f, "probe"), testprog.Component(f, "probe"), testprog.Module(f, "needs_import")} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("\x00asm\x01\x00\x00\x00"))
	f.Add([]byte("\x00asm\x0d\x00\x01\x00"))
	f.Add([]byte{})
	fuzzEngineOnce.Do(func() {
		var err error
		fuzzEngine, err = runner.NewEngine(runner.Options{NoStore: true})
		if err != nil {
			f.Fatal(err)
		}
	})
	f.Fuzz(func(t *testing.T, wasm []byte) {
		// A hang is a bug too: make it fail with the input that caused it.
		guard := time.AfterFunc(30*time.Second, func() { panic(fmt.Sprintf("FuzzLoad hung on %d bytes: %.300q", len(wasm), wasm)) })
		defer guard.Stop()
		cmd := fuzzEngine.Command("fuzz.wasm")
		cmd.Wasm = wasm
		cmd.Timeout = 2 * time.Second
		cmd.MemoryLimit = 64 << 20
		cmd.Run(context.Background())
	})
}
