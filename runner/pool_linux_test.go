package runner

import (
	"bufio"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// TestRunsUnderAddressSpaceLimit runs programs in a process whose address
// space is limited (ulimit -v) to 8 GiB more than it uses: the pooling
// allocator's reservation cannot be made there, and the engine must fall
// back to mapping each instance's memory on demand instead of failing or
// aborting.
func TestRunsUnderAddressSpaceLimit(t *testing.T) {
	if os.Getenv("WASMTASKS_AS_LIMIT") != "" {
		limit := vmSize(t) + 8<<30
		if err := syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
			t.Fatal(err)
		}
		eng, err := NewEngine(Options{NoStore: true})
		if err != nil {
			t.Fatal(err)
		}
		defer eng.Close()
		for _, p := range []string{os.Getenv("WASMTASKS_AS_MODULE"), os.Getenv("WASMTASKS_AS_COMPONENT")} {
			if _, err := eng.Command(p).Run(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunsUnderAddressSpaceLimit$")
	cmd.Env = append(os.Environ(), "WASMTASKS_AS_LIMIT=1",
		"WASMTASKS_AS_MODULE="+testprog.Module(t, "probe"),
		"WASMTASKS_AS_COMPONENT="+testprog.Component(t, "probe"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

// vmSize returns the address space the process uses now, in bytes.
func vmSize(t *testing.T) uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmSize:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmSize in /proc/self/status")
	return 0
}
