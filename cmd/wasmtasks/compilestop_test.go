package main

import (
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

// TestSIGTERMDuringCompile is bug 5: SIGTERM while a big program compiles
// waited for the compile to end. `run` and `exec` must exit 130 at once.
func TestSIGTERMDuringCompile(t *testing.T) {
	slow := testprog.SlowCompile(t)
	dir := t.TempDir()
	yaml := "version: 1\ncomponents:\n  big: {path: " + slow + "}\ntasks:\n  big: {component: big}\n"
	if err := os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, mk := range map[string]func(store string) []string{
		"run":  func(store string) []string { return []string{"run", "--cache-dir", store} },
		"exec": func(store string) []string { return []string{"exec", "--cache-dir", store, slow} },
	} {
		t.Run(name, func(t *testing.T) {
			store := t.TempDir()
			args := mk(store)
			cmd := exec.Command(binary, args...)
			cmd.Dir = dir
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cmd.Process.Kill() })
			time.Sleep(500 * time.Millisecond) // well into the compile
			stopped := time.Now()
			cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(stopBound):
				t.Fatalf("not exited %v after SIGTERM", stopBound)
			}
			took := time.Since(stopped)
			t.Logf("exited %v after SIGTERM:\n%s", took, stderr.String())
			// Had the process waited for the compile, it would have stored
			// the compiled code before exiting: an empty store proves it did
			// not wait, on a machine of any speed.
			if entries, _ := filepath.Glob(filepath.Join(store, "v*", "*.cwasm")); len(entries) > 0 {
				t.Errorf("exited %v after SIGTERM with the compiled code stored: it waited for the compile", took)
			}
			if got := cmd.ProcessState.ExitCode(); got != exitcode.Interrupted {
				t.Errorf("exit status %d, want %d", got, exitcode.Interrupted)
			}
		})
	}
}
