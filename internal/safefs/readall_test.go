package safefs

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestReadAllAllocatesTheFileOnce: reading a 4 MiB file whole allocates
// about its size, not the 2–3 times of a buffer grown by doubling (every
// start of a large program paid for those pages).
func TestReadAllAllocatesTheFileOnce(t *testing.T) {
	const size = 4 << 20
	path := filepath.Join(t.TempDir(), "big")
	want := bytes.Repeat([]byte("wasm"), size/4)
	if err := os.WriteFile(path, want, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got, err := ReadAll(f, fi, 1<<30)
	runtime.ReadMemStats(&after)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > size+size/8 {
		t.Errorf("reading %d bytes allocated %d", size, n)
	}
}
