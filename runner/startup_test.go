package runner_test

import (
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// TestCProgramStartsOnce runs C programs whose main prints with printf
// before anything else. Built as a component, the adapter allocates its
// stack (before main) and its state (during that first write) through the
// program's cabi_realloc; those calls must not run the program's
// constructors, exit handlers or stdio flush. They did when wasm-ld
// wrapped the export like a command's entry point: the first line was
// lost, and exit handlers ran before main.
func TestCProgramStartsOnce(t *testing.T) {
	eng := newEngine(t)
	for name, want := range map[string]string{
		"firstline": "first line\nsecond line\n",
		"startonce": "main\nconstructors ran 1 time(s)\n",
	} {
		for kind, path := range map[string]string{
			"module":    testprog.Module(t, name),
			"component": testprog.Component(t, name),
		} {
			t.Run(name+"/"+kind, func(t *testing.T) {
				_, out, errOut, err := run(t, eng.Command(path))
				if err != nil || out != want {
					t.Errorf("got stdout %q, stderr %q, err %v; want stdout %q", out, errOut, err, want)
				}
			})
		}
	}
}
