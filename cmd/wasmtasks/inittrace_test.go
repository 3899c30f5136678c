package main

import (
	"bufio"
	"bytes"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// maxInitBytes bounds what any package of this module allocates while the
// process starts (its package initialisation): every `wasmtasks exec`
// pays for it before it runs anything, so work that only some commands
// need (compiling regular expressions, building tables) waits until a
// command needs it.
const maxInitBytes = 16 << 10

// TestStartupInitIsCheap runs the command with the runtime's init trace
// and checks what each of the module's packages allocated at start-up: a
// count of bytes, not a time, so the test does not depend on the machine.
func TestStartupInitIsCheap(t *testing.T) {
	cmd := exec.Command(binary, "--help")
	cmd.Env = append(cmd.Environ(), "GODEBUG=inittrace=1")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	_ = cmd.Run() // the status of --help does not matter here
	seen := 0
	sc := bufio.NewScanner(&errb)
	for sc.Scan() {
		// init PKG @T ms, D ms clock, B bytes, A allocs
		f := strings.Fields(sc.Text())
		if len(f) < 9 || f[0] != "init" || !strings.HasPrefix(f[1], "github.com/wasmtasks/wasmtasks/") {
			continue
		}
		seen++
		n, err := strconv.Atoi(f[7])
		if err != nil || f[8] != "bytes," {
			t.Fatalf("cannot read the init trace line %q", sc.Text())
		}
		if n > maxInitBytes {
			t.Errorf("package %s allocates %d bytes at start-up (at most %d): make what it builds lazy (sync.OnceValue, internal/lazyre)", f[1], n, maxInitBytes)
		}
	}
	if seen == 0 {
		t.Fatalf("no init trace of the module's packages in:\n%s", errb.String())
	}
}
