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
	"regexp"
	"strings"
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

// hexOffset matches the code offsets of a wasm backtrace, and bigNumber
// byte offsets and frame counts: they change with every build of a
// program.
var (
	hexOffset = regexp.MustCompile(`0x[0-9a-f]+`)
	bigNumber = regexp.MustCompile(`\b[0-9]{4,}\b`)
)

// CheckError compares err's whole text, the message a person reads, with
// the golden file at path: tests check wording this way, never by
// searching the text in Go code. pairs (old, new, old, new, …) replace
// what changes from run to run, such as temporary folders, before the
// comparison; so do the code offsets of a wasm backtrace (0x…) and numbers
// of four digits or more (N). A nil err fails.
func CheckError(t testing.TB, path string, err error, pairs ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: got no error", path)
		return
	}
	text := strings.NewReplacer(pairs...).Replace(err.Error())
	text = bigNumber.ReplaceAllString(hexOffset.ReplaceAllString(text, "0x…"), "N")
	Check(t, path, []byte(text+"\n"))
}
