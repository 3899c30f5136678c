package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKilledWriter kills a process with SIGKILL while it writes large
// entries, then checks that every entry is either whole or absent, and that
// Prune removes what the dead writer left at once.
func TestKilledWriter(t *testing.T) {
	if dir := os.Getenv("WASMTASKS_KILL_STORE"); dir != "" {
		c, err := Open(dir, 0, nil)
		if err != nil {
			panic(err)
		}
		data := bytes.Repeat([]byte("compiled code "), 4<<20) // 56 MiB
		for i := 0; ; i++ {
			data[i%len(data)]++
			c.Put(fmt.Sprintf("key-%d", i%8), "module", data)
			fmt.Println("put", i)
		}
	}
	dir := t.TempDir()
	for round := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWriter$")
		cmd.Env = append(os.Environ(), "WASMTASKS_KILL_STORE="+dir)
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(300+round*170) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		t.Logf("round %d: killed after %d entries", round, strings.Count(out.String(), "put"))
	}
	c, err := Open(dir, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	whole := 0
	for i := range 8 {
		b, _, err := readEntry(t, c, fmt.Sprintf("key-%d", i))
		switch {
		case errors.Is(err, ErrMiss):
		case err != nil:
			t.Errorf("key-%d: %v", i, err)
		default:
			whole++
			if len(b) != 56<<20 {
				t.Errorf("key-%d: %d bytes", i, len(b))
			}
		}
	}
	t.Logf("%d whole entries survived", whole)
	temps, _ := filepath.Glob(filepath.Join(c.dir, tempPrefix+"*"))
	t.Logf("%d temporary files left by killed writers", len(temps))
	if _, _, err := c.Prune(); err != nil {
		t.Fatal(err)
	}
	if temps, _ := filepath.Glob(filepath.Join(c.dir, tempPrefix+"*")); len(temps) > 0 {
		t.Errorf("Prune left %v", temps)
	}
}
