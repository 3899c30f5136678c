package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/source"
)

// TestCacheCoversSources runs two url: programs from a loopback server,
// then: cache info counts them beside the compiled code and lists the
// largest entries; prune under a cap that holds only one of them removes
// all compiled code and then the program used least recently, which the
// next run downloads again; clear removes compiled code and sources.
func TestCacheCoversSources(t *testing.T) {
	a, err := os.ReadFile(testprog.Module(t, "probe"))
	if err != nil {
		t.Fatal(err)
	}
	b := append(append([]byte(nil), a...), 0x00, 0x03, 0x01, 'x', 'b') // a custom section more
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Write(map[string][]byte{"/a.wasm": a, "/b.wasm": b}[r.URL.Path])
	}))
	defer srv.Close()
	dir, store := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), fmt.Appendf(nil, `version: 1
cache_dir: %s
components:
  a: {url: %s/a.wasm, sha256: %s}
  b: {url: %s/b.wasm, sha256: %s}
tasks:
  ta: {component: a, args: [args, a-ran]}
  tb: {component: b, args: [args, b-ran]}
`, store, srv.URL, hexOf(a), srv.URL, hexOf(b)), 0o644)
	for range 2 { // the second run stamps the programs it finds
		if r := wasmtasks(t, dir, "", "run"); r.status != 0 {
			t.Fatalf("run: %+v", r)
		}
	}
	r := wasmtasks(t, dir, "", "cache", "info")
	t.Logf("cache info:\n%s", r.stdout)
	for _, want := range []string{"folder:   " + store + "\n", "compiled: 2 entries, ", "sources:  2 programs, 0 downloads, 0 unpacked archives, ", "largest:\n", "  v2/", "  sources/programs/sha256/" + hexOf(b) + ".wasm\n"} {
		if r.status != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("cache info lacks %q", want)
		}
	}

	// b was used an hour ago, a two hours ago and then again now.
	progs := filepath.Join(store, "sources", "programs", "sha256")
	for name, d := range map[string]time.Duration{hexOf(a): 2 * time.Hour, hexOf(b): time.Hour} {
		then := time.Now().Add(-d)
		if err := os.Chtimes(filepath.Join(progs, name+".wasm.stamp"), then, then); err != nil {
			t.Fatal(err)
		}
	}
	if r := wasmtasks(t, dir, "", "run", "ta"); r.status != 0 {
		t.Fatalf("run ta: %+v", r)
	}
	u, err := (&source.Fetcher{Dir: filepath.Join(store, "sources")}).Usage()
	if err != nil {
		t.Fatal(err)
	}
	r = wasmtasks(t, dir, "", "cache", "--max", fmt.Sprint(u.Bytes-1), "prune")
	if r.status != 0 || !strings.Contains(r.stdout, "compiled code: 2 files") || !strings.Contains(r.stdout, "sources: 1 entries") {
		t.Errorf("cache prune: %+v", r)
	}
	if _, err := os.Lstat(filepath.Join(progs, hexOf(b)+".wasm")); !os.IsNotExist(err) {
		t.Errorf("prune kept b, the least recently used: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(progs, hexOf(a)+".wasm")); err != nil {
		t.Errorf("prune removed a, used last: %v", err)
	}
	before := requests.Load()
	if r := wasmtasks(t, dir, "", "run", "tb"); r.status != 0 || !strings.Contains(r.stdout, "b-ran") || requests.Load() != before+1 {
		t.Errorf("run tb after prune: %d requests, %+v", requests.Load()-before, r)
	}

	if r := wasmtasks(t, dir, "", "cache", "clear"); r.status != 0 {
		t.Fatalf("cache clear: %+v", r)
	}
	r = wasmtasks(t, dir, "", "cache", "info")
	if !strings.Contains(r.stdout, "compiled: 0 entries, ") || !strings.Contains(r.stdout, "sources:  0 programs, ") || strings.Contains(r.stdout, "largest:") {
		t.Errorf("cache info after clear: %+v", r)
	}
	if _, err := os.Lstat(progs); !os.IsNotExist(err) {
		t.Errorf("clear left %s: %v", progs, err)
	}
}

func hexOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
