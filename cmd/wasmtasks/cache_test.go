package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/golden"
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

// TestCacheInfoNamesPrograms: cache info names the program of each of the
// largest entries, compiled code and sources alike, as the task file has
// it: a path (shortened to its end) or a url: source (without its
// secrets). A record that was forged (here: a name changed without the
// store key) or damaged, a symbolic link and an oversized file among the
// records are not believed: that entry shows "?", and nothing breaks.
func TestCacheInfoNamesPrograms(t *testing.T) {
	greet, err := os.ReadFile(testprog.Module(t, "greet"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(greet) }))
	defer srv.Close()
	dir, store := t.TempDir(), t.TempDir()
	long := filepath.Join(dir, strings.Repeat("a", 60))
	core, err := os.ReadFile(testprog.Module(t, "probe"))
	if err != nil {
		t.Fatal(err)
	}
	os.Mkdir(long, 0o755)
	if err := os.WriteFile(filepath.Join(long, "tool.wasm"), core, 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), fmt.Appendf(nil, `version: 1
cache_dir: %s
components:
  core: {path: %s/tool.wasm}
  probe: {path: %s}
  greet: {url: "%s/greet.wasm?token=secret", sha256: %s}
tasks:
  a: {component: core, args: [args, a]}
  b: {component: probe, args: [args, b]}
  c: {component: greet}
`, store, strings.Repeat("a", 60), testprog.Component(t, "probe"), srv.URL, hexOf(greet)), 0o644)
	if r := wasmtasks(t, dir, "", "fetch"); r.status != 0 {
		t.Fatalf("fetch: %+v", r)
	}
	// A program file is recorded once it is older than the store's racy
	// window (2 s): the copy and the download above are not yet.
	time.Sleep(2100 * time.Millisecond)
	if r := wasmtasks(t, dir, "", "run"); r.status != 0 {
		t.Fatalf("run: %+v", r)
	}
	records, _ := filepath.Glob(filepath.Join(store, "v2", "*.prog"))
	if len(records) != 3 {
		t.Fatalf("%d program records, want 3", len(records))
	}
	for _, rec := range records {
		b, _ := os.ReadFile(rec)
		if strings.Contains(string(b), "probe-component") {
			forged := strings.Replace(string(b), "probe-component", "trusted-looking", 1)
			os.WriteFile(rec, []byte(forged), 0o600)
		}
	}
	os.WriteFile(filepath.Join(store, "v2", strings.Repeat("d", 64)+".prog"), []byte("wasmtasks program identity v2\n"), 0o600)
	os.WriteFile(filepath.Join(store, "v2", strings.Repeat("e", 64)+".prog"), bytes.Repeat([]byte("x"), 1<<20), 0o600)
	os.Symlink(records[0], filepath.Join(store, "v2", strings.Repeat("f", 64)+".prog"))
	r := wasmtasks(t, dir, "", "cache", "info")
	if r.status != 0 {
		t.Fatalf("cache info: %+v", r)
	}
	text := strings.NewReplacer(store, "STORE", srv.URL, "URL").Replace(r.stdout)
	text = regexp.MustCompile(`[0-9a-f]{64}`).ReplaceAllString(text, "HEX")
	text = regexp.MustCompile(`[0-9.]+ (B|KiB|MiB|GiB)`).ReplaceAllString(text, "SIZE")
	text = regexp.MustCompile(`  +`).ReplaceAllString(text, "  ")
	golden.Check(t, filepath.Join("testdata", "golden", "cache-info-names.txt"), []byte(text))
}
