package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/golden"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// TestImportChecks: a componentize-js component (it imports wasi:http)
// and a module made for JavaScript hosts are refused before anything is
// compiled, in plain words: by validate (exit 2, at the component's line),
// by exec (exit 2) and by run (the task fails with the same text).
func TestImportChecks(t *testing.T) {
	dir := t.TempDir()
	for name, path := range map[string]string{
		"js.wasm":    testprog.JS(t, "jshello"),
		"glue.wasm":  testprog.WAT(t, "jsglue"),
		"probe.wasm": testprog.Component(t, "probe"),
	} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	yaml := "version: 1\ncomponents:\n  probe: {path: probe.wasm}\n  js: {path: js.wasm}\n  glue: {path: glue.wasm}\n" +
		"tasks:\n  hello: {component: js}\n  ok: {component: probe, args: [args, hi]}\n"
	if err := os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	r := wasmtasks(t, dir, "", "validate")
	if r.status != 2 {
		t.Errorf("validate: exit status %d, want 2", r.status)
	}
	golden.Check(t, filepath.Join("testdata", "imports-validate.golden"), []byte(strings.ReplaceAll(r.stderr, dir, "DIR")))

	r = wasmtasks(t, dir, "", "exec", "glue.wasm")
	if r.status != 2 || !strings.Contains(r.stderr, `module "glue.wasm": cannot run here`) {
		t.Errorf("exec: exit status %d, want 2; stderr:\n%s", r.status, r.stderr)
	}
	r = wasmtasks(t, dir, "", "run", "hello")
	if r.status != 1 || !strings.Contains(r.stderr, "needs wasi:http (not available") {
		t.Errorf("run: exit status %d, want 1 and the reason; stderr:\n%s", r.status, r.stderr)
	}
}
