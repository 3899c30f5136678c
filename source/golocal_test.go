package source_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/golden"
	"github.com/wasmtasks/wasmtasks/source"
)

// countingGo returns a go command that counts its runs in a file, and a
// function that reads the count.
func countingGo(t *testing.T) (string, func() int) {
	t.Helper()
	real, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	count := filepath.Join(dir, "count")
	script := "#!/bin/sh\necho run >> '" + count + "'\nexec '" + real + "' \"$@\"\n"
	cmd := filepath.Join(dir, "go")
	if err := os.WriteFile(cmd, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return cmd, func() int {
		b, _ := os.ReadFile(count)
		return strings.Count(string(b), "run")
	}
}

// copyTree copies the folder src to a new temporary folder.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestGoLocalPackage: go: ./tools/gen is built once; a second Fetch starts
// no go process; a new .go file in a package it depends on, or an edit, is
// noticed without go and rebuilds; a touched but unchanged file does not.
func TestGoLocalPackage(t *testing.T) {
	mod := copyTree(t, filepath.Join("testdata", "localmod"))
	goCmd, runs := countingGo(t)
	f := &source.Fetcher{Dir: t.TempDir(), GoCmd: goCmd}
	spec := source.Spec{Go: "./tools/gen", Dir: mod}
	fetch := func() (string, source.Pin) {
		t.Helper()
		path, got, err := f.Fetch(context.Background(), spec, nil)
		if err != nil {
			t.Fatal(err)
		}
		return path, got
	}
	path, got := fetch()
	if got.Source != "go" || got.Ref != "./tools/gen" || got.Resolved != "" || !strings.HasPrefix(got.Go, "go1.") {
		t.Errorf("pin %+v", got)
	}
	if out := runProgram(t, path); out != "hello from gen\n" {
		t.Errorf("printed %q", out)
	}
	built := runs()
	if again, _ := fetch(); again != path || runs() != built {
		t.Fatalf("second fetch: %q (was %q), %d go runs (was %d)", again, path, runs(), built)
	}

	later := time.Now().Add(time.Hour)
	msg := filepath.Join(mod, "internal", "msg", "msg.go")
	if err := os.Chtimes(msg, later, later); err != nil {
		t.Fatal(err)
	}
	if again, _ := fetch(); again != path || runs() != built {
		t.Errorf("a touched, unchanged file rebuilt: %d go runs (was %d)", runs(), built)
	}

	extra := "package msg\n\nfunc init() { suffix = \", with a new file\" }\n"
	if err := os.WriteFile(filepath.Join(mod, "internal", "msg", "extra.go"), []byte(extra), 0o644); err != nil {
		t.Fatal(err)
	}
	path, _ = fetch()
	if out := runProgram(t, path); out != "hello from gen, with a new file\n" {
		t.Errorf("after a new file: printed %q", out)
	}
	if runs() == built {
		t.Error("a new file did not rebuild")
	}
	built = runs()
	edited := strings.Replace(extra, "with a new file", "edited", 1)
	if err := os.WriteFile(filepath.Join(mod, "internal", "msg", "extra.go"), []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if path, _ = fetch(); runProgram(t, path) != "hello from gen, edited\n" || runs() == built {
		t.Error("an edit did not rebuild")
	}
}

// TestGoLocalErrors: a package that is not main, one that does not build,
// a folder that does not exist and a package path without a version are
// errors of their kind that name the package; their words (golden) say
// what go said and what to write instead.
func TestGoLocalErrors(t *testing.T) {
	mod := copyTree(t, filepath.Join("testdata", "localmod"))
	if err := os.MkdirAll(filepath.Join(mod, "tools", "bad"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(mod, "tools", "bad", "main.go"), []byte("package main\n\nfunc main() { undefined() }\n"), 0o644)
	f := &source.Fetcher{Dir: t.TempDir()}
	cases := []struct {
		name, ref string
		kind      error
	}{
		{"not main", "./internal/msg", source.ErrSpec},
		{"does not build", "./tools/bad", source.ErrBuild},
		{"no such folder", "./tools/none", source.ErrBuild},
		{"no version", "example.com/tool/cmd/x", source.ErrSpec},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := f.Fetch(context.Background(), source.Spec{Go: c.ref, Dir: mod}, nil)
			wantError(t, err, c.kind, c.ref, 0)
			golden.CheckError(t, goldenFile("go local errors", c.name), err, mod, "MOD")
		})
	}
}
