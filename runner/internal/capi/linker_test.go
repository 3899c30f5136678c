//go:build cgo

package capi

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// TestLinkersOnFirstUse: an engine makes each WASI linker when the first
// program of its kind is instantiated, so a process that runs one core
// module (a warm `wasmtasks exec`) never builds the WASIp2 linker, the
// larger part of making an engine; and each kind still runs after the
// other was made.
func TestLinkersOnFirstUse(t *testing.T) {
	eng, err := NewEngine(Settings{}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if eng.compLinker != nil || eng.coreLinker != nil {
		t.Fatalf("a new engine has linkers already (component %v, module %v)", eng.compLinker != nil, eng.coreLinker != nil)
	}
	runGreet(t, eng, KindModule, testprog.Module(t, "greet"))
	if eng.compLinker != nil || eng.coreLinker == nil {
		t.Errorf("after a module: component linker %v, module linker %v; want only the module's", eng.compLinker != nil, eng.coreLinker != nil)
	}
	runGreet(t, eng, KindComponent, testprog.Component(t, "greet"))
	runGreet(t, eng, KindModule, testprog.Module(t, "greet"))
	if eng.compLinker == nil {
		t.Error("a component ran without the component linker being kept")
	}
}

// runGreet runs the greet program of kind at path and checks its output.
func runGreet(t *testing.T, eng *Engine, kind Kind, path string) {
	t.Helper()
	wasm, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := eng.Compile(kind, wasm)
	if err != nil {
		t.Fatal(err)
	}
	defer prog.Close()
	stdout := filepath.Join(t.TempDir(), "out")
	sb := eng.NewSandbox()
	defer sb.Close()
	if err := sb.SetWASI(&WASI{Args: []string{"greet", "linker"}, StdoutFile: stdout}); err != nil {
		t.Fatal(err)
	}
	runToExit(t, sb, prog)
	if got, _ := os.ReadFile(stdout); string(got) != "hello, linker\n" {
		t.Fatalf("%v: stdout %q", kind, got)
	}
}

// runToExit instantiates prog in sb and runs it; the program must end
// normally or exit with status 0.
func runToExit(t *testing.T, sb *Sandbox, prog *Program) {
	t.Helper()
	in, err := sb.Instantiate(prog)
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Run(); err != nil {
		if e, ok := err.(*Error); !ok || e.Cause != Exited || e.Status != 0 {
			t.Fatal(err)
		}
	}
}
