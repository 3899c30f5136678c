package runner_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/golden"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
)

// newEngine returns an engine with an empty store of its own, closed at the
// end of the test.
func newEngine(t testing.TB) *runner.Engine {
	t.Helper()
	eng, err := runner.NewEngine(runner.Options{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// probes returns the probe test program built as each kind.
func probes(t testing.TB) map[string]string {
	return map[string]string{
		"module":    testprog.Module(t, "probe"),
		"component": testprog.Component(t, "probe"),
	}
}

// run runs cmd and returns its stdout and stderr.
func run(t *testing.T, cmd *runner.Cmd) (runner.Result, string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	if cmd.Stdout == nil {
		cmd.Stdout = &out
	}
	if cmd.Stderr == nil {
		cmd.Stderr = &errb
	}
	res, err := cmd.Run(context.Background())
	return res, out.String(), errb.String(), err
}

func TestArgsAndEnv(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			cmd := eng.Command(path, "args", "one", "two words", "ünï")
			_, out, _, err := run(t, cmd)
			if err != nil {
				t.Fatal(err)
			}
			want := filepath.Base(path) + "\nargs\none\ntwo words\nünï\n"
			if out != want {
				t.Errorf("args: got %q, want %q", out, want)
			}

			cmd = eng.Command(path, "env")
			cmd.Env = []string{"GREETING=hello", "EMPTY=", "WITH_EQUALS=a=b"}
			_, out, _, err = run(t, cmd)
			if err != nil {
				t.Fatal(err)
			}
			if want := "GREETING=hello\nEMPTY=\nWITH_EQUALS=a=b\n"; out != want {
				t.Errorf("env: got %q, want %q", out, want)
			}
		})
	}
}

func TestHostEnvironmentDoesNotLeak(t *testing.T) {
	t.Setenv("WASMTASKS_SECRET", "do-not-leak")
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			_, out, _, err := run(t, eng.Command(path, "env"))
			if err != nil {
				t.Fatal(err)
			}
			if out != "" {
				t.Errorf("guest saw host environment: %q", out)
			}
		})
	}
}

// pattern returns n deterministic bytes that are not all alike, so a
// dropped, duplicated or reordered chunk shows.
func pattern(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func TestStdinToStdout(t *testing.T) {
	eng := newEngine(t)
	input := pattern(6<<20 + 12345)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			cmd := eng.Command(path, "cat")
			cmd.Stdin = bytes.NewReader(input)
			_, out, _, err := run(t, cmd)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal([]byte(out), input) {
				t.Errorf("stdout differs from stdin: got %d bytes, want %d", len(out), len(input))
			}
		})
	}
}

func TestStdinDefaultsToEmpty(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			_, out, _, err := run(t, eng.Command(path, "cat"))
			if err != nil || out != "" {
				t.Errorf("got %q, %v; want empty output", out, err)
			}
		})
	}
}

func TestStderr(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			_, out, errs, err := run(t, eng.Command(path, "stderr", "to the error stream"))
			if err != nil || out != "" || errs != "to the error stream\n" {
				t.Errorf("got stdout %q, stderr %q, %v", out, errs, err)
			}
		})
	}
}

func TestDirectories(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			root := t.TempDir()
			rw, ro := filepath.Join(root, "rw"), filepath.Join(root, "ro")
			for _, d := range []string{rw, ro} {
				if err := os.Mkdir(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(root, "outside.txt"), []byte("secret"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(ro, "in.txt"), []byte("readable"), 0o644); err != nil {
				t.Fatal(err)
			}
			dirs := []runner.Dir{{Host: rw, Guest: "/out"}, {Host: ro, Guest: "/in", ReadOnly: true}}

			cmd := eng.Command(path, "write", "/out/result.txt", "written by the guest")
			cmd.Dirs = dirs
			if _, _, errs, err := run(t, cmd); err != nil {
				t.Fatalf("write to read-write dir: %v\n%s", err, errs)
			}
			if b, err := os.ReadFile(filepath.Join(rw, "result.txt")); err != nil || string(b) != "written by the guest" {
				t.Errorf("host file: %q, %v", b, err)
			}

			cmd = eng.Command(path, "read", "/in/in.txt")
			cmd.Dirs = dirs
			if _, out, errs, err := run(t, cmd); err != nil || out != "readable" {
				t.Errorf("read from read-only dir: %q, %v\n%s", out, err, errs)
			}

			cmd = eng.Command(path, "write", "/in/new.txt", "must not land")
			cmd.Dirs = dirs
			_, _, errs, err := run(t, cmd)
			if err == nil {
				t.Errorf("write to read-only dir succeeded")
			}
			if _, statErr := os.Stat(filepath.Join(ro, "new.txt")); statErr == nil {
				t.Errorf("file created in read-only dir (stderr %q)", errs)
			}

			for _, escape := range []string{"/out/../outside.txt", "/out/../../outside.txt", "/in/../ro/../outside.txt"} {
				cmd = eng.Command(path, "read", escape)
				cmd.Dirs = dirs
				_, out, _, err := run(t, cmd)
				if err == nil || strings.Contains(out, "secret") {
					t.Errorf("read %s left the preopened dir: %q, %v", escape, out, err)
				}
			}
			cmd = eng.Command(path, "write", "/out/../escaped.txt", "x")
			cmd.Dirs = dirs
			run(t, cmd)
			if _, err := os.Stat(filepath.Join(root, "escaped.txt")); err == nil {
				t.Errorf("write through ../ left the preopened dir")
			}
		})
	}
}

func TestExitCodes(t *testing.T) {
	eng := newEngine(t)
	tests := []struct {
		kind string
		args []string
		want int
	}{
		{"module", []string{"exit", "3"}, 3},
		{"module", []string{"exit", "0"}, 0},
		{"module", []string{"unknown-command"}, 2},
		{"component", []string{"exit", "3"}, 1}, // components report only failure
		{"component", []string{"exit", "0"}, 0},
		{"component", []string{"unknown-command"}, 1},
	}
	paths := probes(t)
	for _, tt := range tests {
		t.Run(tt.kind+"/"+strings.Join(tt.args, "_"), func(t *testing.T) {
			res, _, _, err := run(t, eng.Command(paths[tt.kind], tt.args...))
			if res.ExitCode != tt.want {
				t.Errorf("exit code %d, want %d", res.ExitCode, tt.want)
			}
			var ee *runner.ExitError
			switch {
			case tt.want == 0 && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.want != 0 && (!errors.As(err, &ee) || ee.ExitCode() != tt.want):
				t.Errorf("error %v, want *ExitError with code %d", err, tt.want)
			}
		})
	}
}

func TestTrap(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			for _, tt := range []struct{ arg string }{{"trap"}, {"recurse"}} {
				_, _, _, err := run(t, eng.Command(path, tt.arg))
				if !errors.Is(err, runner.ErrTrap) {
					t.Fatalf("%s: got %v, want a trap", tt.arg, err)
				}
				golden.CheckError(t, goldenPath("trap", kind+"-"+tt.arg), err, path, "PROGRAM")
			}
		})
	}
}

// TestHeapBeyondAdapterMemory fills 64 MiB of heap in a component and then
// writes to stdout and stderr: the preview1 adapter's own memory must not
// be part of that heap (wasmbuild links a cabi_realloc export for this).
func TestHeapBeyondAdapterMemory(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			_, out, _, err := run(t, eng.Command(path, "fill", "64"))
			if err != nil || out != fmt.Sprintf("filled 64 MiB (checksum %d)\n", 0xA5*64*256) {
				t.Errorf("got %q, %v", out, err)
			}
		})
	}
}

// TestSharedStdoutAndStderr gives one buffer as both streams, as os/exec
// allows: the two copiers must take turns (the race detector watches).
func TestSharedStdoutAndStderr(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			var buf bytes.Buffer
			cmd := eng.Command(path, "both", "2000")
			cmd.Stdout, cmd.Stderr = &buf, &buf
			if _, err := cmd.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(buf.String(), "\n"); n != 4000 {
				t.Errorf("got %d lines, want 4000", n)
			}
		})
	}
}
