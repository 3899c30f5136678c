package runner_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/golden"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
)

// importPrograms are real programs from other toolchains that need what
// the host cannot provide, by golden file name.
func importPrograms(t *testing.T) map[string]string {
	return map[string]string{
		"componentize-js": testprog.JS(t, "jshello"),
		"async-lift":      testprog.WAT(t, "async-lift"),
		"wasi-p3":         testprog.WAT(t, "wasi-p3"),
		"jsglue":          testprog.WAT(t, "jsglue"),
		"c-env-import":    testprog.Module(t, "needs_import"),
	}
}

// TestImportCheck runs programs that need what the host cannot provide:
// each must fail before anything is compiled, naming every such import
// grouped by what it means (golden files), with exit status 2.
func TestImportCheck(t *testing.T) {
	eng := newEngine(t)
	for name, path := range importPrograms(t) {
		t.Run(name, func(t *testing.T) {
			res, err := eng.Command(path).Run(context.Background())
			golden.CheckError(t, filepath.Join("testdata", "imports", name+".golden"), err, path, name+".wasm")
			if res.Source != runner.SourceUnknown {
				t.Errorf("source %v; want nothing compiled", res.Source)
			}
			var ie *runner.ImportError
			if !errors.As(err, &ie) || ie.ExitStatus() != 2 {
				t.Errorf("got %T, want an *runner.ImportError with exit status 2", err)
			}
		})
	}
}

// TestCheckImports: the check that `validate` runs reads the same
// programs without an engine and finds the same imports; the programs the
// project's own toolchains make pass it.
func TestCheckImports(t *testing.T) {
	for name, path := range importPrograms(t) {
		var ie *runner.ImportError
		if err := runner.CheckImports(path); !errors.As(err, &ie) {
			t.Errorf("%s: got %v, want an *runner.ImportError", name, err)
		}
	}
	for name, path := range map[string]string{
		"C module":     testprog.Module(t, "probe"),
		"C component":  testprog.Component(t, "probe"),
		"Go module":    testprog.GoModule(t, "hellogo"),
		"Go component": testprog.GoComponent(t, "hellogo"),
	} {
		if err := runner.CheckImports(path); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
