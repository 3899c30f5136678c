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

// maxDepInitBytes bounds the same for every package the binary links,
// dependencies and the standard library too (yaml.v3, the largest, builds
// 25 KiB of tables): a dependency that compiles regular expressions at
// start-up, as oras-go and go-digest did (130 and 92 KiB, ~0.7 ms of every
// `exec`), is refused.
const maxDepInitBytes = 32 << 10

// TestStartupInitIsCheap runs the command with the runtime's init trace
// and checks what each package allocated at start-up: a count of bytes,
// not a time, so the test does not depend on the machine.
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
		if len(f) < 9 || f[0] != "init" {
			continue
		}
		n, err := strconv.Atoi(f[7])
		if err != nil || f[8] != "bytes," {
			t.Fatalf("cannot read the init trace line %q", sc.Text())
		}
		own := strings.HasPrefix(f[1], "github.com/wasmtasks/wasmtasks/")
		switch {
		case own && n > maxInitBytes:
			t.Errorf("package %s allocates %d bytes at start-up (at most %d): make what it builds lazy (sync.OnceValue, internal/lazyre)", f[1], n, maxInitBytes)
		case !own && n > maxDepInitBytes:
			t.Errorf("dependency %s allocates %d bytes at start-up (at most %d), which every exec pays: link it only where it is needed, or replace it", f[1], n, maxDepInitBytes)
		}
		if own {
			seen++
		}
	}
	if seen == 0 {
		t.Fatalf("no init trace of the module's packages in:\n%s", errb.String())
	}
}
