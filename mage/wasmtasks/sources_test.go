package wasmtasks_test

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

	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// TestSourcesTargets drives a url: program from a loopback server through
// the imported mage targets: lock pins it, fetch downloads and compiles
// it, cache:info counts it beside the compiled code, run:all works with
// the server stopped, and cache:clear removes it.
func TestSourcesTargets(t *testing.T) {
	prog, err := os.ReadFile(testprog.Module(t, "probe"))
	if err != nil {
		t.Fatal(err)
	}
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Write(prog)
	}))
	defer srv.Close()
	s := sha256.Sum256(prog)
	digest := hex.EncodeToString(s[:])
	dir := importer(t, fmt.Sprintf("version: 1\ncomponents:\n  tool: {url: %s/tool.wasm, sha256: %s}\ntasks:\n  use: {component: tool, args: [args, tool-ran]}\n", srv.URL, digest))
	t.Setenv("WASMTASKS_CACHE_DIR", t.TempDir())
	t.Setenv("MAGEFILE_CACHE", t.TempDir())
	mage := func(args ...string) string {
		t.Helper()
		return goCmd(t, dir, 0, append([]string{"tool", "mage"}, args...)...)
	}

	if out := mage("lock"); !strings.Contains(out, "wrote "+filepath.Join(dir, "wasmtasks.lock")) {
		t.Errorf("lock:\n%s", out)
	}
	if lock, err := os.ReadFile(filepath.Join(dir, "wasmtasks.lock")); err != nil || !strings.Contains(string(lock), `"sha256": "`+digest+`"`) {
		t.Errorf("the lock does not pin the program: %v\n%s", err, lock)
	}
	if out := mage("fetch"); !strings.Contains(out, "tool") || !strings.Contains(out, "compiled") {
		t.Errorf("fetch:\n%s", out)
	}
	out := mage("cache:info")
	for _, want := range []string{"compiled: 1 entries, ", "sources:  1 programs, 0 downloads, 0 unpacked archives, ", "sources/programs/sha256/" + digest + ".wasm\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("cache:info lacks %q:\n%s", want, out)
		}
	}
	srv.Close()
	n := requests.Load()
	if out := mage("run:all"); !strings.Contains(out, "[use] tool-ran") {
		t.Errorf("run:all with the server stopped:\n%s", out)
	}
	if requests.Load() != n {
		t.Errorf("run:all after fetch made %d requests", requests.Load()-n)
	}
	mage("cache:clear")
	if out := mage("cache:info"); !strings.Contains(out, "compiled: 0 entries, ") || !strings.Contains(out, "sources:  0 programs, ") {
		t.Errorf("cache:info after cache:clear:\n%s", out)
	}
}
