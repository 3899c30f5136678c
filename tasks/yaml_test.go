package tasks

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/golden"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/schema"
)

// TestInheritEnvTrueCapitalised: YAML 1.2 reads True as true; the program
// must see the host's variables, not none.
func TestInheritEnvTrueCapitalised(t *testing.T) {
	t.Setenv("WASMTASKS_TEST_INHERITED", "from-host")
	p, _ := project(t, `
version: 1
components:
  probe: {path: PROBE, inherit_env: True}
tasks:
  env: {component: probe, args: [env]}
`)
	o := runTasks(t, p, Options{})
	if o.err != nil {
		t.Fatalf("%v\n%s", o.err, o.stderr)
	}
	if !strings.Contains(o.stdout, "WASMTASKS_TEST_INHERITED=from-host") {
		t.Fatalf("the program did not get the host's variables:\n%s", o.stdout)
	}
}

// TestReadonlyBoolYesRefused: `!!bool yes` is no YAML 1.2 boolean. It used
// to validate and mount the folder read-write, and the program wrote into
// it; now the file is refused at the value's line.
func TestReadonlyBoolYesRefused(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "src"), 0o755)
	writeProject(t, dir, `
version: 1
components:
  probe:
    path: PROBE
    dirs: [{host: src, guest: /src, readonly: !!bool yes}]
tasks:
  write: {component: probe, args: [write, /src/planted.txt, x]}
`)
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err == nil {
		runTasks(t, p, Options{})
		_, statErr := os.Stat(filepath.Join(dir, "src", "planted.txt"))
		t.Fatalf("the file loaded; the program wrote into the read-only folder: %v", statErr == nil)
	}
	var es schema.Errors
	if !errors.As(err, &es) || len(es) != 1 || es[0].Line != 6 {
		t.Fatalf("want one error on line 6, got %v", err)
	}
}

// TestInheritEnvNonUTF8: WASI passes only UTF-8, so a host variable that
// is not cannot reach the program; the task used to fail with "arguments
// or environment contain invalid bytes", naming neither.
func TestInheritEnvNonUTF8(t *testing.T) {
	t.Setenv("WASMTASKS_TEST_LATIN1", "caf\xe9")
	p, _ := project(t, `
version: 1
components:
  probe: {path: PROBE, inherit_env: true}
tasks:
  env: {component: probe, args: [env]}
`)
	o := runTasks(t, p, Options{})
	if o.status("env") != Failed || len(o.sum) != 1 {
		t.Fatalf("want the task to fail, got %+v", o.sum)
	}
	err := o.sum[0].Err
	if !errors.Is(err, runner.ErrNotUTF8) {
		t.Fatalf("got %v, want ErrNotUTF8", err)
	}
	// It names the variable.
	golden.CheckError(t, filepath.Join("testdata", "golden", "errors", "env-not-utf8.txt"), err, testprog.Component(t, "probe"), "PROGRAM")
}
