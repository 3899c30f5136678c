package runner

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner/internal/store"
)

// entryFiles returns the paths of the entry files the engine keeps for the
// program at path, and its entries folder.
func entryFiles(t *testing.T, eng *Engine, path string) (code, sum string) {
	t.Helper()
	wasm, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	key := eng.storeKey(digest(sha256.Sum256(wasm)))
	matches, _ := filepath.Glob(filepath.Join(eng.StoreDir(), "v*", key+".cwasm"))
	if len(matches) != 1 {
		t.Fatalf("entries for %s: %v", filepath.Base(path), matches)
	}
	code = matches[0]
	return code, strings.TrimSuffix(code, ".cwasm") + ".sum"
}

// TestForgedStoreEntryIsNotRun stores the compiled code of one program (a
// Go hello world) under the store names of another (the probe), with a
// whole, self-consistent entry, as anyone who can write the store but does
// not hold its key can: the next engine must run the probe, not the code
// planted for it.
func TestForgedStoreEntryIsNotRun(t *testing.T) {
	dir := t.TempDir()
	probe, hello := testprog.Module(t, "probe"), testprog.GoModule(t, "hellogo")
	first := storeEngine(t, dir, nil)
	runArgs(t, first, probe)
	if _, _, err := first.Load(hello); err != nil {
		t.Fatal(err)
	}
	victimCode, victimSum := entryFiles(t, first, probe)
	evilCode, evilSum := entryFiles(t, first, hello)
	for src, dst := range map[string]string{evilCode: victimCode, evilSum: victimSum} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var log bytes.Buffer
	second := storeEngine(t, dir, &log)
	cmd := second.Command(probe, "args", "ok")
	var out bytes.Buffer
	cmd.Stdout = &out
	res, err := cmd.Run(context.Background())
	t.Logf("output %q, source %v, err %v; warning: %s", out.String(), res.Source, err, log.String())
	if strings.Contains(out.String(), "hello from Go") {
		t.Fatal("the engine ran the code planted in the store")
	}
	if err != nil || res.Source != Compiled || out.String() != filepath.Base(probe)+"\nargs\nok\n" {
		t.Errorf("want the probe compiled again and run; got %q, %v, %v", out.String(), res.Source, err)
	}
	if !strings.Contains(log.String(), "does not verify") {
		t.Errorf("no warning about the forged entry: %q", log.String())
	}
}

// TestStoreEntryOfAnotherKey fills a store under one key and runs from it
// under another, as another user sharing the folder would: nothing stored
// under the other key is loaded; the program is compiled again and runs.
func TestStoreEntryOfAnotherKey(t *testing.T) {
	dir, path := t.TempDir(), testprog.Component(t, "probe")
	keys := t.TempDir()
	for i, seed := range []string{"1", "2"} {
		key := filepath.Join(keys, seed)
		os.WriteFile(key, []byte(strings.Repeat(seed, 64)), 0o600)
		t.Setenv(store.EnvKeyFile, key)
		var log bytes.Buffer
		eng := storeEngine(t, dir, &log)
		res := runArgs(t, eng, path)
		if res.Source != Compiled {
			t.Errorf("engine %d: %v, want compiled", i, res.Source)
		}
		if i == 1 && !strings.Contains(log.String(), "another store key") {
			t.Errorf("no warning about the other key: %q", log.String())
		}
	}
}

// TestUnsafeStoreIsRefused makes the store folder writable by everyone:
// NewEngine must fail with ErrUnsafeStore rather than run, and not fall
// back to compiling in memory as it does for a store it cannot write.
func TestUnsafeStoreIsRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o777)
	eng, err := NewEngine(Options{StoreDir: dir})
	if err == nil {
		eng.Close()
	}
	t.Logf("NewEngine: %v", err)
	if !errors.Is(err, ErrUnsafeStore) {
		t.Fatalf("got %v, want an error matching ErrUnsafeStore", err)
	}
}

// TestMountOverStoreIsRefused gives a guest read-write access to a folder
// that holds the engine's store: the run must be refused before the guest
// starts, since the guest could rewrite the store. A read-only mount is
// fine.
func TestMountOverStoreIsRefused(t *testing.T) {
	project := t.TempDir()
	eng := storeEngine(t, filepath.Join(project, ".cache"), nil)
	path := testprog.Module(t, "probe")
	marker := filepath.Join(project, "ran")
	for _, d := range []Dir{
		{Host: project, Guest: "/p"},
		{Host: filepath.Join(project, ".cache"), Guest: "/p"},
		{Host: filepath.Join(project, ".cache", "v2"), Guest: "/p"},
	} {
		os.MkdirAll(d.Host, 0o700)
		cmd := eng.Command(path, "write", "/p/ran", "x")
		cmd.Dirs = []Dir{d}
		_, err := cmd.Run(context.Background())
		if !errors.Is(err, ErrUnsafeStore) {
			t.Errorf("mount %s: got %v, want ErrUnsafeStore", d.Host, err)
		}
		if _, err := os.Stat(filepath.Join(d.Host, "ran")); err == nil {
			t.Errorf("mount %s: the guest ran", d.Host)
		}
		os.Remove(marker)
	}
	cmd := eng.Command(path, "read", "/p/.cache/"+"WASMTASKS-STORE")
	cmd.Dirs = []Dir{{Host: project, Guest: "/p", ReadOnly: true}}
	cmd.Stdout = new(bytes.Buffer)
	if _, err := cmd.Run(context.Background()); err != nil {
		t.Errorf("read-only mount of the store's folder: %v", err)
	}
}

// TestKeyIsNotReadable mounts the folder of the store key read-only: a
// guest that reads the key can forge entries that the store would load,
// so the run is refused before the guest starts.
func TestKeyIsNotReadable(t *testing.T) {
	keys := t.TempDir()
	os.Chmod(keys, 0o700)
	key := filepath.Join(keys, "team.key")
	if err := os.WriteFile(key, []byte(strings.Repeat("ab", 32)), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("WASMTASKS_STORE_KEY_FILE", key)
	eng := storeEngine(t, filepath.Join(t.TempDir(), "store"), nil)
	cmd := eng.Command(testprog.Module(t, "probe"), "read", "/k/team.key")
	cmd.Dirs = []Dir{{Host: keys, Guest: "/k", ReadOnly: true}}
	out := new(bytes.Buffer)
	cmd.Stdout = out
	_, err := cmd.Run(context.Background())
	if !errors.Is(err, ErrUnsafeStore) || strings.Contains(out.String(), "abab") {
		t.Fatalf("got %v, guest printed %q; want ErrUnsafeStore and no key", err, out.String())
	}
}
