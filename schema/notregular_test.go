//go:build unix

package schema

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/safefs"
)

// TestTaskFileThatIsAFIFO: a named pipe in the task file's place (a guest
// with a read-write folder can plant one where a user may run wasmtasks)
// is refused at once instead of blocking the command for ever.
func TestTaskFileThatIsAFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wasmtasks.yaml")
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := Load(path); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, safefs.ErrNotRegular) {
			t.Fatalf("got %v, want safefs.ErrNotRegular", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Load blocked on a named pipe")
	}
}
