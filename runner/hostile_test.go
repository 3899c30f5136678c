package runner_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
)

// countingWriter counts what it is given and keeps none of it.
type countingWriter struct{ n atomic.Int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n.Add(int64(len(p)))
	return len(p), nil
}

// TestGigabyteToStdout streams 1 GiB of guest output through a writer and
// checks that the host's heap never holds more than a sliver of it.
func TestGigabyteToStdout(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			old := debug.SetGCPercent(10) // make the heap track live data closely
			defer debug.SetGCPercent(old)
			w := &countingWriter{}
			cmd := eng.Command(path, "spew", "1024")
			cmd.Stdout = w
			if _, err := cmd.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if w.n.Load() != 1<<30 {
				t.Errorf("got %d bytes, want 1 GiB", w.n.Load())
			}
			grown := int64(after.HeapSys) - int64(before.HeapSys)
			t.Logf("1 GiB streamed; Go heap grew by %d KiB (%d GC cycles)", grown>>10, after.NumGC-before.NumGC)
			if grown > 64<<20 {
				t.Errorf("the Go heap grew by %d MiB while streaming", grown>>20)
			}
		})
	}
}

func TestPathsOutsidePreopensAreRefused(t *testing.T) {
	eng := newEngine(t)
	root := t.TempDir()
	inside := filepath.Join(root, "inside")
	os.Mkdir(inside, 0o755)
	secret := filepath.Join(root, "secret.txt")
	os.WriteFile(secret, []byte("secret"), 0o644)
	os.Symlink(secret, filepath.Join(inside, "link-to-secret"))
	os.Symlink("../secret.txt", filepath.Join(inside, "relative-link"))
	os.Symlink(root, filepath.Join(inside, "link-to-parent"))
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			for _, target := range []string{
				secret, "/etc/passwd", "/d/../secret.txt", "/d/link-to-secret",
				"/d/relative-link", "/d/link-to-parent/secret.txt",
			} {
				cmd := eng.Command(path, "read", target)
				cmd.Dirs = []runner.Dir{{Host: inside, Guest: "/d"}}
				_, out, _, err := run(t, cmd)
				if err == nil || strings.Contains(out, "secret") || strings.Contains(out, "root:") {
					t.Errorf("read %s: %q, %v", target, out, err)
				}
			}
			cmd := eng.Command(path, "write", "/d/link-to-parent/planted.txt", "x")
			cmd.Dirs = []runner.Dir{{Host: inside, Guest: "/d"}}
			run(t, cmd)
			if _, err := os.Stat(filepath.Join(root, "planted.txt")); err == nil {
				t.Error("a write through a symlink left the preopened folder")
			}
		})
	}
}

func TestExitFromNestedCall(t *testing.T) {
	eng := newEngine(t)
	want := map[string]int{"module": 5, "component": 1}
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			res, _, _, err := run(t, eng.Command(path, "nested-exit", "5"))
			var ee *runner.ExitError
			if !errors.As(err, &ee) || res.ExitCode != want[kind] {
				t.Errorf("got %v (exit %d), want exit %d", err, res.ExitCode, want[kind])
			}
		})
	}
}

func TestGuestClosesStdout(t *testing.T) {
	eng := newEngine(t)
	for kind, path := range probes(t) {
		t.Run(kind, func(t *testing.T) {
			_, out, errs, err := run(t, eng.Command(path, "close-stdout"))
			if err != nil || out != "before close\n" || !strings.HasPrefix(errs, "write after close returned -1") {
				t.Errorf("got %v\nstdout %q\nstderr %q", err, out, errs)
			}
		})
	}
}

// rss returns the process's resident memory in bytes.
func rss(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatal(err)
	}
	var size, resident int64
	if _, err := fmt.Sscan(string(b), &size, &resident); err != nil {
		t.Fatal(err)
	}
	return resident * int64(os.Getpagesize())
}

// TestNoLeakOverManyRuns runs a component 1,000 times in one engine: the
// resident memory after 1,000 runs stays within a small margin of that
// after 100, so no store, instance or callback is leaked.
func TestNoLeakOverManyRuns(t *testing.T) {
	eng := newEngine(t)
	path := testprog.Component(t, "probe")
	runN := func(n int) {
		for range n {
			cmd := eng.Command(path, "args", "x")
			cmd.Stdout, cmd.Stderr = &countingWriter{}, &countingWriter{}
			cmd.Stdin = strings.NewReader("in")
			if _, err := cmd.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		runtime.GC()
	}
	objects := func() int64 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return int64(m.HeapObjects)
	}
	runN(100)
	at100, objects100 := rss(t), objects()
	runN(900)
	at1000, objects1000 := rss(t), objects()
	t.Logf("resident memory after 100 runs: %d MiB, after 1000: %d MiB; Go heap objects %d, then %d",
		at100>>20, at1000>>20, objects100, objects1000)
	if at1000-at100 > 32<<20 {
		t.Errorf("resident memory grew by %d MiB over 900 runs", (at1000-at100)>>20)
	}
	// C objects show in resident memory; Go values that C calls back with
	// (cgo handles) are small, so count them as heap objects.
	if objects1000-objects100 > 900 {
		t.Errorf("%d more Go heap objects after 900 more runs", objects1000-objects100)
	}
}
