//go:build unix

package runner

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// TestFullStoreStillRuns runs with a store whose writes fail part-way, as
// on a full disk: the run succeeds from memory with one warning, and no
// half-written file is left behind. A child process with a 128 KiB file
// size limit (RLIMIT_FSIZE; Go ignores SIGXFSZ, so writes fail with EFBIG)
// stands in for the full disk, which needs no root.
func TestFullStoreStillRuns(t *testing.T) {
	if dir := os.Getenv("WASMTASKS_FULL_STORE"); dir != "" {
		limit := &syscall.Rlimit{Cur: 128 << 10, Max: 128 << 10}
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, limit); err != nil {
			t.Fatal(err)
		}
		var log bytes.Buffer
		eng := storeEngine(t, dir, &log)
		for range 2 {
			if res := runArgs(t, eng, os.Getenv("WASMTASKS_FULL_PROGRAM")); res.Source == Stored {
				t.Errorf("ran from a store that cannot hold the code")
			}
		}
		fmt.Print(log.String())
		return
	}
	dir, path := t.TempDir(), testprog.Component(t, "probe")
	cmd := exec.Command(os.Args[0], "-test.run=^TestFullStoreStillRuns$")
	cmd.Env = append(os.Environ(), "WASMTASKS_FULL_STORE="+dir, "WASMTASKS_FULL_PROGRAM="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), "cannot write compiled code"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, out)
	}
	if !strings.Contains(string(out), "file too large") {
		t.Errorf("warning does not say why:\n%s", out)
	}
	temps, _ := filepath.Glob(filepath.Join(dir, "v2", ".tmp-*"))
	if len(temps) > 0 {
		t.Errorf("half-written files left: %v", temps)
	}
}
