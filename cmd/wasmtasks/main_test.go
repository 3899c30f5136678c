package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

var binary string // the wasmtasks command, built once by TestMain

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wasmtasks-cmd")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "wasmtasks")
	// The command's store of compiled code lives and dies with the test.
	os.Setenv("WASMTASKS_CACHE_DIR", filepath.Join(dir, "cache"))
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	status         int
}

// wasmtasks runs the built command in dir with stdin.
func wasmtasks(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), cmd.ProcessState.ExitCode()}
}

func TestExec(t *testing.T) {
	mod, comp := testprog.Module(t, "probe"), testprog.Component(t, "probe")
	notWasm := filepath.Join(t.TempDir(), "notwasm.wasm")
	os.WriteFile(notWasm, []byte("hello"), 0o644)
	t.Setenv("WASMTASKS_TEST_HOST_VAR", "from-host")
	tests := []struct {
		name       string
		args       []string
		stdin      string
		status     int
		stdout     string
		stderrHas  string
		setupFiles map[string]string // relative to the working dir
		checkFiles map[string]string // relative to the working dir; "" means absent
	}{
		{name: "args", args: []string{"exec", comp, "args", "x y"}, stdout: filepath.Base(comp) + "\nargs\nx y\n"},
		{name: "env flag", args: []string{"exec", "--env", "A=1", "-env", "B=2", mod, "env"}, stdout: "A=1\nB=2\n"},
		{name: "no host env", args: []string{"exec", mod, "env"}, stdout: ""},
		{name: "inherit env", args: []string{"exec", "--inherit-env", comp, "env"}, stdout: "WASMTASKS_TEST_HOST_VAR=from-host"},
		{name: "stdin inherited", args: []string{"exec", comp, "cat"}, stdin: "piped in\n", stdout: "piped in\n"},
		{name: "module exit status", args: []string{"exec", mod, "exit", "7"}, status: 7},
		{name: "component exit status", args: []string{"exec", comp, "exit", "7"}, status: 1},
		{name: "trap", args: []string{"exec", mod, "trap"}, status: exitcode.Trapped, stderrHas: "wasm trap: wasm `unreachable` instruction executed"},
		{name: "timeout", args: []string{"exec", "--timeout", "100ms", comp, "spin"}, status: exitcode.Timeout, stderrHas: "timed out"},
		{name: "memory", args: []string{"exec", "--memory", "64MiB", comp, "alloc", "100"}, status: 1, stderrHas: "out of memory after"},
		{name: "not wasm", args: []string{"exec", notWasm}, status: exitcode.Usage, stderrHas: "not a WebAssembly module or component"},
		{name: "missing file", args: []string{"exec", "nope.wasm"}, status: exitcode.Usage, stderrHas: "no such file"},
		{name: "no file", args: []string{"exec"}, status: exitcode.Usage, stderrHas: "exec needs a FILE.wasm"},
		{name: "bad flag", args: []string{"exec", "--bogus", mod}, status: exitcode.Usage, stderrHas: "flag provided but not defined"},
		{name: "bad memory", args: []string{"exec", "--memory", "lots", mod}, status: exitcode.Usage, stderrHas: "flag -memory: invalid size"},
		{name: "bad env", args: []string{"exec", "--env", "NOVALUE", mod}, status: exitcode.Usage, stderrHas: "want NAME=VALUE"},
		{name: "unknown command", args: []string{"frobnicate"}, status: exitcode.Usage, stderrHas: "unknown command"},
		{
			name: "read-write dir", args: []string{"exec", "--dir", "out", mod, "write", "out/new.txt", "made"},
			setupFiles: map[string]string{"out/.keep": ""}, checkFiles: map[string]string{"out/new.txt": "made"},
		},
		{
			name: "dir with guest path", args: []string{"exec", "--dir", "out::/data", comp, "write", "/data/new.txt", "made"},
			setupFiles: map[string]string{"out/.keep": ""}, checkFiles: map[string]string{"out/new.txt": "made"},
		},
		{
			name: "read-only dir", args: []string{"exec", "--ro-dir", ".", mod, "write", "new.txt", "nope"},
			status: 1, stderrHas: "new.txt", checkFiles: map[string]string{"new.txt": ""},
		},
		{
			name: "read-only dir readable", args: []string{"exec", "--ro-dir", ".", comp, "read", "in.txt"},
			setupFiles: map[string]string{"in.txt": "contents"}, stdout: "contents",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.setupFiles {
				p := filepath.Join(dir, name)
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r := wasmtasks(t, dir, tt.stdin, tt.args...)
			if r.status != tt.status {
				t.Errorf("exit status %d, want %d\nstderr: %s", r.status, tt.status, r.stderr)
			}
			if tt.name == "inherit env" {
				if !strings.Contains(r.stdout, tt.stdout) {
					t.Errorf("stdout lacks %q: %q", tt.stdout, r.stdout)
				}
			} else if r.stdout != tt.stdout {
				t.Errorf("stdout %q, want %q", r.stdout, tt.stdout)
			}
			if !strings.Contains(r.stderr, tt.stderrHas) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderrHas, r.stderr)
			}
			for name, want := range tt.checkFiles {
				b, err := os.ReadFile(filepath.Join(dir, name))
				switch {
				case want == "" && err == nil:
					t.Errorf("%s exists, want it absent", name)
				case want != "" && string(b) != want:
					t.Errorf("%s = %q (%v), want %q", name, b, err, want)
				}
			}
		})
	}
}

func TestExecInterrupted(t *testing.T) {
	cmd := exec.Command(binary, "exec", testprog.Component(t, "probe"), "spin")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if got := cmd.ProcessState.ExitCode(); got != exitcode.Interrupted {
		t.Errorf("exit status %d, want %d; stderr: %s", got, exitcode.Interrupted, errb.String())
	}
}

func TestCacheCommands(t *testing.T) {
	store := t.TempDir()
	comp := testprog.Component(t, "probe")
	if r := wasmtasks(t, "", "", "exec", "--cache-dir", store, comp); r.status != 0 || r.stderr != "" {
		t.Fatalf("exec: %+v", r)
	}
	r := wasmtasks(t, "", "", "cache", "--cache-dir", store, "info")
	if r.status != 0 || !strings.Contains(r.stdout, "compiled: 1 entries, ") || !strings.Contains(r.stdout, "folder:   "+store) {
		t.Errorf("cache info: %+v", r)
	}

	// A damaged entry is replaced, with one line of warning.
	codes, _ := filepath.Glob(filepath.Join(store, "v2", "*.cwasm"))
	if len(codes) != 1 {
		t.Fatalf("store files: %v", codes)
	}
	b, _ := os.ReadFile(codes[0])
	b[len(b)/2] ^= 0xff
	os.WriteFile(codes[0], b, 0o600)
	r = wasmtasks(t, "", "", "exec", "--cache-dir", store, comp, "args", "ok")
	if r.status != 0 || !strings.HasSuffix(r.stdout, "args\nok\n") {
		t.Errorf("exec after damage: %+v", r)
	}
	if want := "wasmtasks: warning: store: removed a damaged entry (its authentication code does not verify: changed by someone without the store key, or damaged); compiling the program again\n"; r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}

	if r := wasmtasks(t, "", "", "cache", "--cache-dir", store, "--max", "1KiB", "prune"); r.status != 0 || !strings.HasPrefix(r.stdout, "removed 1 files") {
		t.Errorf("cache prune: %+v", r)
	}
	wasmtasks(t, "", "", "exec", "--cache-dir", store, comp)
	if r := wasmtasks(t, "", "", "cache", "--cache-dir", store, "clear"); r.status != 0 {
		t.Errorf("cache clear: %+v", r)
	}
	if r := wasmtasks(t, "", "", "cache", "--cache-dir", store, "info"); !strings.Contains(r.stdout, "compiled: 0 entries, ") {
		t.Errorf("after clear: %+v", r)
	}
	if r := wasmtasks(t, "", "", "cache", "sideways"); r.status != exitcode.Usage {
		t.Errorf("unknown cache command: %+v", r)
	}
}

// BenchmarkExecProcess measures `wasmtasks exec` of a Go-built hello
// component as a whole process: cold (an empty store each time) and stored.
func BenchmarkExecProcess(b *testing.B) {
	path := testprog.GoComponent(b, "hellogo")
	execOnce := func(b *testing.B, store string) {
		out, err := exec.Command(binary, "exec", "--cache-dir", store, path).CombinedOutput()
		if err != nil || string(out) != "hello from Go\n" {
			b.Fatalf("%v: %s", err, out)
		}
	}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			store, _ := os.MkdirTemp(b.TempDir(), "store")
			execOnce(b, store)
			os.RemoveAll(store)
		}
	})
	b.Run("stored", func(b *testing.B) {
		store := b.TempDir()
		execOnce(b, store)
		for b.Loop() {
			execOnce(b, store)
		}
	})
}
