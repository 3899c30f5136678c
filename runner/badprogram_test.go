package runner_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/golden"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
)

func TestBadPrograms(t *testing.T) {
	eng := newEngine(t)
	component, err := os.ReadFile(testprog.Component(t, "probe"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		path string
	}{
		{"missing file", filepath.Join(dir, "nope.wasm")},
		{"empty file", write("empty.wasm", nil)},
		{"garbage", write("garbage.wasm", []byte("#!/bin/sh\necho this is not wasm\n"))},
		{"truncated component", write("truncated.wasm", component[:len(component)/2])},
		{"future version", write("v2.wasm", []byte("\x00asm\x02\x00\x00\x00"))},
		{"module without _start", testprog.Reactor(t, "reactor", "core")},
		{"component without wasi:cli/run", testprog.Reactor(t, "reactor", "component")},
		{"unknown import", testprog.Module(t, "needs_import")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := eng.Command(tt.path).Run(context.Background())
			if err == nil {
				t.Fatal("ran without error")
			}
			// A program that compiled fails later, knowing its source.
			compiled := strings.Contains(tt.name, "without")
			if !compiled && res.Source != runner.SourceUnknown {
				t.Errorf("source %v of a program that never compiled; want unknown", res.Source)
			}
			var ee *runner.ExitError
			if errors.As(err, &ee) {
				t.Fatalf("got an exit error for a program that cannot run: %v", err)
			}
			golden.CheckError(t, goldenPath("bad program", tt.name), err, dir, "DIR", tt.path, "PROGRAM")
		})
	}
}

func TestBadSettings(t *testing.T) {
	eng := newEngine(t)
	path := probes(t)["module"]
	dir1, dir2 := t.TempDir(), t.TempDir()
	tests := []struct {
		name  string
		setup func(*runner.Cmd)
	}{
		{"relative guest path", func(c *runner.Cmd) { c.Dirs = []runner.Dir{{Host: dir1, Guest: "data"}} }},
		{"missing host dir", func(c *runner.Cmd) { c.Dirs = []runner.Dir{{Host: "/does/not/exist", Guest: "/d"}} }},
		{"same guest path twice", func(c *runner.Cmd) {
			c.Dirs = []runner.Dir{{Host: dir1, Guest: "/d"}, {Host: dir2, Guest: "/d/"}}
		}},
		{"env without =", func(c *runner.Cmd) { c.Env = []string{"JUSTANAME"} }},
		{"NUL in argument", func(c *runner.Cmd) { c.Args = append(c.Args, "a\x00b") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := eng.Command(path, "args")
			tt.setup(cmd)
			_, err := cmd.Run(context.Background())
			golden.CheckError(t, goldenPath("bad settings", tt.name), err, dir1, "DIR1", dir2, "DIR2", path, "PROGRAM")
		})
	}
}

func TestCmdRunsOnce(t *testing.T) {
	eng := newEngine(t)
	cmd := eng.Command(probes(t)["module"])
	if _, err := cmd.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err := cmd.Run(context.Background())
	golden.CheckError(t, goldenPath("cmd runs once", "second run"), err)
}

// TestPinnedDigest runs a program pinned to its own SHA-256, then to
// another: the wrong pin stops the run before anything compiles or runs,
// also when the engine already holds the program.
func TestPinnedDigest(t *testing.T) {
	eng := newEngine(t)
	path := probes(t)["module"]
	digest, err := eng.Digest(path)
	if err != nil {
		t.Fatal(err)
	}
	wasm, _ := os.ReadFile(path)
	if sum := sha256.Sum256(wasm); digest != hex.EncodeToString(sum[:]) {
		t.Fatalf("Digest = %s, want the file's SHA-256", digest)
	}
	cmd := eng.Command(path)
	cmd.SHA256 = strings.ToUpper(digest)
	if _, err := cmd.Run(context.Background()); err != nil {
		t.Fatalf("matching pin: %v", err)
	}
	wrong := strings.Repeat("f", 64)
	for _, fresh := range []bool{false, true} {
		e := eng
		if fresh {
			e = newEngine(t)
		}
		cmd := e.Command(path, "write", "/x", "y")
		cmd.SHA256 = wrong
		res, err := cmd.Run(context.Background())
		if res.Run != 0 {
			t.Errorf("wrong pin (fresh engine %v): ran %v", fresh, res.Run)
		}
		golden.CheckError(t, goldenPath("pinned digest", "wrong pin"), err, path, "PROGRAM", digest, "DIGEST")
	}
}

// goldenPath is the golden file of one case of a test's errors.
func goldenPath(test, name string) string {
	slug := strings.NewReplacer(" ", "-", "/", "-", ":", "-").Replace(name)
	return filepath.Join("testdata", "golden", strings.ReplaceAll(test, " ", "-"), slug+".txt")
}
