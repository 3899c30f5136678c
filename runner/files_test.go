package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestDigestMemoryIsBounded digests more program files than the engine
// remembers: a long-lived engine (a watch mode, a server) that digests
// every file it is shown must not grow without bound, and the file used
// most recently must still be remembered.
func TestDigestMemoryIsBounded(t *testing.T) {
	eng := storeEngine(t, t.TempDir(), nil)
	dir := t.TempDir()
	var first string
	for i := range maxKnownFiles + 50 {
		path := filepath.Join(dir, fmt.Sprintf("p%d.wasm", i))
		if err := os.WriteFile(path, fmt.Appendf(nil, "program %d", i), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := eng.Digest(path); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = path
		}
		if _, err := eng.Digest(first); err != nil { // keep the first one in use
			t.Fatal(err)
		}
	}
	eng.progMu.Lock()
	n := len(eng.files)
	_, kept := eng.files[first]
	eng.progMu.Unlock()
	if n > maxKnownFiles {
		t.Errorf("the engine remembers %d program files, want at most %d", n, maxKnownFiles)
	}
	if !kept {
		t.Errorf("the file used most recently was forgotten")
	}
}
