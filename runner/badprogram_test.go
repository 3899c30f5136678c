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
		want []string // substrings of the error
	}{
		{"missing file", filepath.Join(dir, "nope.wasm"), []string{`program "` + filepath.Join(dir, "nope.wasm") + `"`, "no such file"}},
		{"empty file", write("empty.wasm", nil), []string{"not a WebAssembly", "empty"}},
		{"garbage", write("garbage.wasm", []byte("#!/bin/sh\necho this is not wasm\n")), []string{"not a WebAssembly", "magic"}},
		{"truncated component", write("truncated.wasm", component[:len(component)/2]), []string{`component "`, "compile:", "out of bounds"}},
		{"future version", write("v2.wasm", []byte("\x00asm\x02\x00\x00\x00")), []string{"unsupported binary version 2"}},
		{"module without _start", testprog.Reactor(t, "reactor", "core"), []string{`module "`, "does not export _start"}},
		{"component without wasi:cli/run", testprog.Reactor(t, "reactor", "component"), []string{`component "`, "does not export wasi:cli/run"}},
		{"unknown import", testprog.Module(t, "needs_import"), []string{`module "`, `imports from module "env" (not WASI): not_provided`}},
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
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestBadSettings(t *testing.T) {
	eng := newEngine(t)
	path := probes(t)["module"]
	tests := []struct {
		name  string
		setup func(*runner.Cmd)
		want  string
	}{
		{"relative guest path", func(c *runner.Cmd) { c.Dirs = []runner.Dir{{Host: t.TempDir(), Guest: "data"}} }, "not absolute"},
		{"missing host dir", func(c *runner.Cmd) { c.Dirs = []runner.Dir{{Host: "/does/not/exist", Guest: "/d"}} }, "no such file"},
		{"same guest path twice", func(c *runner.Cmd) {
			c.Dirs = []runner.Dir{{Host: t.TempDir(), Guest: "/d"}, {Host: t.TempDir(), Guest: "/d/"}}
		}, "mapped twice"},
		{"env without =", func(c *runner.Cmd) { c.Env = []string{"JUSTANAME"} }, "not NAME=value"},
		{"NUL in argument", func(c *runner.Cmd) { c.Args = append(c.Args, "a\x00b") }, "NUL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := eng.Command(path, "args")
			tt.setup(cmd)
			if _, err := cmd.Run(context.Background()); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestCmdRunsOnce(t *testing.T) {
	eng := newEngine(t)
	cmd := eng.Command(probes(t)["module"])
	if _, err := cmd.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "already ran") {
		t.Errorf("second Run: got %v, want an error", err)
	}
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
	wrong := strings.Repeat("0", 64)
	for _, fresh := range []bool{false, true} {
		e := eng
		if fresh {
			e = newEngine(t)
		}
		cmd := e.Command(path, "write", "/x", "y")
		cmd.SHA256 = wrong
		res, err := cmd.Run(context.Background())
		if err == nil || !strings.Contains(err.Error(), "SHA-256 is "+digest+", but "+wrong+" is pinned") || res.Run != 0 {
			t.Errorf("wrong pin (fresh engine %v): %v, ran %v", fresh, err, res.Run)
		}
	}
}
