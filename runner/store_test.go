package runner

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner/internal/capi"
)

// storeEngine opens an engine on the store in dir; its warnings go to log.
func storeEngine(t *testing.T, dir string, log *bytes.Buffer) *Engine {
	t.Helper()
	if log == nil {
		log = new(bytes.Buffer)
	}
	eng, err := NewEngine(Options{StoreDir: dir, Logger: slog.New(slog.NewTextHandler(log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// runArgs runs the program and checks that it printed its arguments.
func runArgs(t *testing.T, eng *Engine, path string) Result {
	t.Helper()
	cmd := eng.Command(path, "args", "ok")
	var out bytes.Buffer
	cmd.Stdout = &out
	res, err := cmd.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Base(path) + "\nargs\nok\n"; out.String() != want {
		t.Fatalf("output %q, want %q", out.String(), want)
	}
	return res
}

func TestStoreMissThenHit(t *testing.T) {
	dir := t.TempDir()
	for kind, path := range map[string]string{"module": testprog.Module(t, "probe"), "component": testprog.Component(t, "probe")} {
		t.Run(kind, func(t *testing.T) {
			first := storeEngine(t, dir, nil)
			if res := runArgs(t, first, path); res.Source != Compiled {
				t.Errorf("first run: %v, want compiled", res.Source)
			}
			if res := runArgs(t, first, path); res.Source != Memory {
				t.Errorf("second run in the same engine: %v, want memory", res.Source)
			}
			// A new engine has nothing in memory, as a new process would.
			second := storeEngine(t, dir, nil)
			if res := runArgs(t, second, path); res.Source != Stored {
				t.Errorf("run in a new engine: %v, want stored", res.Source)
			}
			if st := second.store.Stats(); st.Hits != 1 || st.Puts != 0 {
				t.Errorf("new engine's store stats %+v, want one hit and no write", st)
			}
		})
	}
}

// TestStoreRecoversFromBadEntries damages the stored entry and checks that
// the next engine warns, recompiles, and still runs the program correctly.
func TestStoreRecoversFromBadEntries(t *testing.T) {
	path := testprog.Component(t, "probe")
	wasm, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	damages := map[string]struct {
		damage func(t *testing.T, eng *Engine, code string)
		warn   string
	}{
		"flipped byte": {func(t *testing.T, _ *Engine, code string) {
			b, _ := os.ReadFile(code)
			b[len(b)/3] ^= 1
			os.WriteFile(code, b, 0o600)
		}, "does not verify"},
		"truncated": {func(t *testing.T, _ *Engine, code string) { os.Truncate(code, 4096) }, "damaged entry"},
		"other engine configuration": {func(t *testing.T, eng *Engine, _ string) {
			// Compiled code from an engine without epoch interruption, stored
			// under this engine's key with a valid checksum: only wasmtime's own
			// compatibility check can catch it.
			other, err := capi.NewEngine(capi.Settings{EpochInterruption: false}, false)
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			p, err := other.Compile(capi.KindComponent, wasm)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			code, err := p.Serialize()
			if err != nil {
				t.Fatal(err)
			}
			if err := eng.store.Put(eng.storeKey(digest(sha256.Sum256(wasm))), "component", code); err != nil {
				t.Fatal(err)
			}
		}, "cannot load"},
	}
	for name, d := range damages {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			first := storeEngine(t, dir, nil)
			runArgs(t, first, path)
			key := first.storeKey(digest(sha256.Sum256(wasm)))
			d.damage(t, first, filepath.Join(dir, "v2", key+".cwasm"))

			var log bytes.Buffer
			second := storeEngine(t, dir, &log)
			if res := runArgs(t, second, path); res.Source != Compiled {
				t.Errorf("run after damage: %v, want compiled", res.Source)
			}
			t.Logf("warning: %s", log.String())
			if !strings.Contains(log.String(), d.warn) {
				t.Errorf("warning lacks %q: %q", d.warn, log.String())
			}
			third := storeEngine(t, dir, nil)
			if res := runArgs(t, third, path); res.Source != Stored {
				t.Errorf("run after recompiling: %v, want stored (the entry is repaired)", res.Source)
			}
		})
	}
}

func TestUnwritableStoreStillRuns(t *testing.T) {
	// A store folder below a regular file cannot be created, even by root.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	var log bytes.Buffer
	eng := storeEngine(t, filepath.Join(file, "store"), &log)
	res := runArgs(t, eng, testprog.Module(t, "probe"))
	if res.Source != Compiled || eng.store != nil {
		t.Errorf("source %v, cache %v", res.Source, eng.store)
	}
	if !strings.Contains(log.String(), "compiled code will not be kept") {
		t.Errorf("no warning: %q", log.String())
	}
}

func TestConcurrentRunsCompileOnce(t *testing.T) {
	eng := storeEngine(t, t.TempDir(), nil)
	path := testprog.Component(t, "probe")
	const n = 32
	var wg sync.WaitGroup
	results := make(chan Result, n)
	for range n {
		wg.Go(func() { results <- runArgs(t, eng, path) })
	}
	wg.Wait()
	close(results)
	counts := map[Source]int{}
	for r := range results {
		counts[r.Source]++
	}
	if counts[Compiled] != 1 || counts[Memory] != n-1 {
		t.Errorf("sources %v; want 1 compiled and %d from memory", counts, n-1)
	}
	if st := eng.store.Stats(); st.Puts != 1 || st.Misses != 1 {
		t.Errorf("store stats %+v; want one miss and one write", st)
	}
}

// TestProcessesRaceOnEmptyStore starts two copies of the test binary at once
// on one empty store; both must compile, run and store without error, and
// leave one good entry.
func TestProcessesRaceOnEmptyStore(t *testing.T) {
	if dir := os.Getenv("WASMTASKS_RACE_STORE"); dir != "" {
		eng := storeEngine(t, dir, nil)
		res := runArgs(t, eng, os.Getenv("WASMTASKS_RACE_PROGRAM"))
		fmt.Println("source:", res.Source)
		return
	}
	dir, path := t.TempDir(), testprog.Component(t, "probe")
	const n = 4
	cmds := make([]*exec.Cmd, n)
	outs := make([]bytes.Buffer, n)
	for i := range cmds {
		cmds[i] = exec.Command(os.Args[0], "-test.run=^TestProcessesRaceOnEmptyStore$", "-test.v")
		cmds[i].Env = append(os.Environ(), "WASMTASKS_RACE_STORE="+dir, "WASMTASKS_RACE_PROGRAM="+path)
		cmds[i].Stdout, cmds[i].Stderr = &outs[i], &outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("process %d: %v\n%s", i, err, outs[i].String())
		}
		if strings.Contains(outs[i].String(), "WARN") {
			t.Errorf("process %d warned:\n%s", i, outs[i].String())
		}
	}
	eng := storeEngine(t, dir, nil)
	if res := runArgs(t, eng, path); res.Source != Stored {
		t.Errorf("after the race: %v, want stored", res.Source)
	}
	if n, _, err := eng.store.Usage(); err != nil || n != 1 {
		t.Errorf("store holds %d entries (%v), want 1", n, err)
	}
	temps, _ := filepath.Glob(filepath.Join(dir, "v2", ".tmp-*"))
	if len(temps) > 0 {
		t.Errorf("temporary files left: %v", temps)
	}
}

// TestReplacedProgramFileIsReloaded replaces a program file between two
// runs of one engine: the second run must run the new program, not the one
// remembered for the path.
func TestReplacedProgramFileIsReloaded(t *testing.T) {
	eng := storeEngine(t, t.TempDir(), nil)
	path := filepath.Join(t.TempDir(), "prog.wasm")
	copyFile := func(src string) {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+".tmp", b, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Rename(path+".tmp", path)
	}
	copyFile(testprog.Module(t, "probe"))
	if res := runArgs(t, eng, path); res.Kind != Module {
		t.Fatalf("first run: %v", res.Kind)
	}
	if res := runArgs(t, eng, path); res.Source != Memory {
		t.Errorf("unchanged file: %v, want memory", res.Source)
	}
	copyFile(testprog.Component(t, "probe"))
	if res := runArgs(t, eng, path); res.Kind != Component {
		t.Errorf("after replacing the file the engine ran the old %v", res.Kind)
	}
}
