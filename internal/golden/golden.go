// Package golden compares what a test produced with a golden file, the
// text a person reads (errors, summaries, listings), kept beside the test.
// Run the tests with -update to rewrite the golden files from what they
// produce, then review the diff.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files from what the tests produce")

// Check compares got with the golden file at path, and fails t with both
// texts when they differ. With -update it first writes got to path,
// creating its folder.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s differs (run the test with -update to accept, then review the diff)\n--- got\n%s--- want\n%s", path, got, want)
	}
}
