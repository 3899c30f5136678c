package runner

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner/internal/store"
)

// mapCache is a CodeCache in memory that counts what it was asked: the
// runner side of a remote cache, whose network side remotecache tests.
type mapCache struct {
	mu         sync.Mutex
	blobs      map[string][]byte
	gets, puts int
}

func (m *mapCache) GetCode(key string) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gets++
	return m.blobs[key]
}

func (m *mapCache) PutCode(key string, blob []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.puts++
	m.blobs[key] = blob
}

// teamKey makes a team key file and names it in $WASMTASKS_STORE_KEY_FILE.
func teamKey(t *testing.T) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "team.key")
	if err := os.WriteFile(path, []byte(strings.Repeat("ab", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(store.EnvKeyFile, path)
}

// sharingEngine is an engine on a fresh store (a fresh machine) that
// shares code through c, and counts its compiles.
func sharingEngine(t *testing.T, c CodeCache, log *bytes.Buffer) (*Engine, *int) {
	t.Helper()
	eng := storeEngine(t, t.TempDir(), log)
	eng.ShareCode(c)
	return eng, new(int)
}

func runCounted(t *testing.T, eng *Engine, path string, compiles *int) Result {
	t.Helper()
	cmd := eng.Command(path, "args", "ok")
	cmd.OnCompile = func(int64) func() { *compiles++; return nil }
	res, err := cmd.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestSharedCodeTeamKey proves that under a team key a second machine
// runs the code the first compiled, from the shared cache, without
// compiling; and that the blob is verified by the store.
func TestSharedCodeTeamKey(t *testing.T) {
	teamKey(t)
	path := testprog.Component(t, "probe")
	cache := &mapCache{blobs: map[string][]byte{}}
	first, n1 := sharingEngine(t, cache, nil)
	if res := runCounted(t, first, path, n1); res.Source != Compiled || *n1 != 1 || cache.puts != 1 {
		t.Fatalf("first machine: %v, %d compiles, %d puts; want compiled and shared", res.Source, *n1, cache.puts)
	}
	second, n2 := sharingEngine(t, cache, nil)
	if res := runCounted(t, second, path, n2); res.Source != Remote || *n2 != 0 {
		t.Fatalf("second machine: %v, %d compiles; want the remote code and no compile", res.Source, *n2)
	}
	third := storeEngine(t, second.StoreDir(), nil)
	if res := runArgs(t, third, path); res.Source != Stored {
		t.Fatalf("after a remote hit, the next process: %v, want stored", res.Source)
	}
}

// TestSharedCodeRefused proves a blob from the cache that does not verify
// under the team key (damaged, or made under another key) is discarded
// with a warning and the program compiles.
func TestSharedCodeRefused(t *testing.T) {
	teamKey(t)
	path := testprog.Component(t, "probe")
	cache := &mapCache{blobs: map[string][]byte{}}
	first, n := sharingEngine(t, cache, nil)
	runCounted(t, first, path, n)
	for key, blob := range cache.blobs {
		blob[len(blob)-1000] ^= 0x40
		cache.blobs[key] = blob
	}
	var log bytes.Buffer
	second, n2 := sharingEngine(t, cache, &log)
	if res := runCounted(t, second, path, n2); res.Source != Compiled || *n2 != 1 {
		t.Fatalf("damaged blob: %v, %d compiles; want compiled", res.Source, *n2)
	}
	if !strings.Contains(log.String(), "discarded compiled code") {
		t.Fatalf("no warning: %q", log.String())
	}
}

// TestSharedCodeNeedsTeamKey proves an engine on the user's own store key
// neither asks the cache nor gives it anything: compiled code is shared
// only under a key the user opted into.
func TestSharedCodeNeedsTeamKey(t *testing.T) {
	t.Setenv(store.EnvKeyFile, "")
	path := testprog.Component(t, "probe")
	cache := &mapCache{blobs: map[string][]byte{}}
	eng, n := sharingEngine(t, cache, nil)
	if res := runCounted(t, eng, path, n); res.Source != Compiled || cache.gets+cache.puts != 0 {
		t.Fatalf("%v; the cache was asked %d times and given %d blobs; want neither", res.Source, cache.gets, cache.puts)
	}
}

// TestPreparedSourceReported proves the first run of a program that
// Prepare loaded ahead reports where its code came from (compiled here,
// or remote), and later runs memory: a summary of a run whose programs
// were compiled in parallel still says it.
func TestPreparedSourceReported(t *testing.T) {
	teamKey(t)
	path := testprog.Component(t, "probe")
	cache := &mapCache{blobs: map[string][]byte{}}
	for _, want := range []Source{Compiled, Remote} {
		eng, n := sharingEngine(t, cache, nil)
		if err := eng.Prepare(context.Background(), path); err != nil {
			t.Fatal(err)
		}
		if res := runCounted(t, eng, path, n); res.Source != want {
			t.Errorf("first run after Prepare: %v, want %v", res.Source, want)
		}
		if res := runCounted(t, eng, path, n); res.Source != Memory {
			t.Errorf("second run: %v, want memory", res.Source)
		}
	}
}
