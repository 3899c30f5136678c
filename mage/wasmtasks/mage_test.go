package wasmtasks_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// TestImportedTargets builds a fresh module whose magefile imports this
// package (with a replace directive pointing at this checkout), and runs its
// targets with `go tool mage`, as another project would.
func TestImportedTargets(t *testing.T) {
	dir := importer(t, `version: 1
components:
  probe: {path: PROBE}
tasks:
  shared: {component: probe, args: [args, shared-ran]}
  left: {component: probe, args: [args, left-ran], deps: [shared]}
  right: {component: probe, args: [args, right-ran], deps: [shared]}
  broken: {component: probe, args: [fail, "broken on purpose"]}
`)

	cacheDir := t.TempDir()
	mage := func(status int, args ...string) string {
		t.Helper()
		return goCmd(t, dir, status, append([]string{"tool", "mage"}, args...)...)
	}
	t.Setenv("WASMTASKS_CACHE_DIR", cacheDir)
	t.Setenv("MAGEFILE_CACHE", t.TempDir())

	out := mage(0, "-l")
	for _, target := range []string{"run:all", "run:task", "run:checkReproducible", "list", "check", "cache:prune", "both"} {
		if !strings.Contains(out, target) {
			t.Errorf("mage -l lacks %s:\n%s", target, out)
		}
	}
	out = mage(0, "run:task", "left")
	if !strings.Contains(out, "[shared] shared-ran") || !strings.Contains(out, "[left] left-ran") || strings.Contains(out, "right-ran") {
		t.Errorf("run:task left:\n%s", out)
	}
	out = mage(0, "both")
	if n := strings.Count(out, "shared-ran"); n != 1 {
		t.Errorf("shared ran %d times under mg.Deps of two tasks:\n%s", n, out)
	}
	out = mage(1, "run:all")
	if !strings.Contains(out, "--- broken failed: exit status 1") || !strings.Contains(out, "broken on purpose") {
		t.Errorf("run:all:\n%s", out)
	}
	out = mage(1, "run:checkReproducible")
	if !strings.Contains(out, "--- broken failed: exit status 1") {
		t.Errorf("run:checkReproducible:\n%s", out)
	}
	if out := mage(0, "list"); !strings.Contains(out, "left    -            shared") {
		t.Errorf("list:\n%s", out)
	}
	mage(0, "cache:prune")

	os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte("version: 1\ntasks:\n  a: {component: nope}\n"), 0o644)
	out = mage(2, "check")
	if !strings.Contains(out, `wasmtasks.yaml:3:18: unknown component "nope"`) {
		t.Errorf("check of a bad file:\n%s", out)
	}
}

// importer writes a fresh module whose magefile imports this package (with
// a replace directive pointing at this checkout) beside the task file yaml,
// in which PROBE stands for the probe component, and returns its folder.
func importer(t *testing.T, yaml string) string {
	t.Helper()
	return importerWith(t, yaml, "")
}

// importerWith is importer with more code in the magefile.
func importerWith(t *testing.T, yaml, magefile string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/e2e\n\ngo 1.26\n\nrequire github.com/wasmtasks/wasmtasks v0.0.0\n\n" +
			"replace github.com/wasmtasks/wasmtasks => " + root(t) + "\n\ntool github.com/magefile/mage\n",
		"magefile.go": `//go:build mage

package main

import (
	"github.com/magefile/mage/mg"

	//mage:import
	"github.com/wasmtasks/wasmtasks/mage/wasmtasks"
)

// Both depends on two tasks that share a dependency.
func Both() { mg.Deps(wasmtasks.Task("left"), wasmtasks.Task("right")) }
` + magefile,
		"wasmtasks.yaml": taskFile(t, yaml),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if sum, err := os.ReadFile(filepath.Join(root(t), "go.sum")); err == nil {
		os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644)
	}
	goCmd(t, dir, 0, "mod", "tidy")
	return dir
}

// probe is the probe test program as a component.
func probe(t *testing.T) string { return testprog.Component(t, "probe") }

// root is the folder of this checkout of the module.
func root(t *testing.T) string {
	r, err := filepath.Abs(testprog.Root())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// goCmd runs the go command in dir and checks its exit status.
func goCmd(t *testing.T, dir string, status int, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var ee *exec.ExitError
	got := 0
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if got != status {
		t.Fatalf("go %s: exit status %d, want %d\n%s", strings.Join(args, " "), got, status, out.String())
	}
	return out.String()
}
