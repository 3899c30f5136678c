//go:build unix

package runner_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/safefs"
)

// within runs fn and returns its error, failing the test if fn has not
// returned after limit. Whoever waits on a named pipe at path is woken
// before the test ends, so a hung fn does not outlive it.
func within(t *testing.T, limit time.Duration, fifo string, fn func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		if fifo != "" {
			// A writer that opens and closes lets a blocked reader see EOF.
			if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				f.Close()
			}
		}
		t.Fatalf("still blocked after %v", limit)
		return nil
	}
}

// TestProgramFileNotRegular names a named pipe and /dev/zero as the program
// file: running, loading or hashing it must fail at once as not a regular
// file, not block forever on the pipe or read /dev/zero until memory runs
// out.
func TestProgramFileNotRegular(t *testing.T) {
	eng := newEngine(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.wasm")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.wasm")
	if err := os.Symlink("/dev/zero", zero); err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{"fifo": fifo, "dev-zero": zero} {
		ops := map[string]func() error{
			"run": func() error {
				_, err := eng.Command(path).Run(context.Background())
				return err
			},
			"load": func() error {
				_, _, err := eng.Load(path)
				return err
			},
			"digest": func() error {
				_, err := eng.Digest(path)
				return err
			},
		}
		for op, fn := range ops {
			t.Run(name+"/"+op, func(t *testing.T) {
				err := within(t, 10*time.Second, fifo, fn)
				if !errors.Is(err, safefs.ErrNotRegular) {
					t.Errorf("got %v, want an error wrapping %v", err, safefs.ErrNotRegular)
				}
			})
		}
	}
}
