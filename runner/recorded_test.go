package runner

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/golden"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner/internal/store"
)

// agedCopy copies the program at src into dir as name and waits until its
// status-change time is older than the store's (shortened) racy window,
// so that a run may record its identity.
func agedCopy(t *testing.T, src, dir, name string) string {
	t.Helper()
	t.Cleanup(store.SetRacyWindow(20 * time.Millisecond))
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(60 * time.Millisecond)
	return path
}

// TestStoredProgramIsNotReadAgain: a new engine (a new process) that runs
// a program file an earlier engine ran and stored, unchanged since, takes
// its digest from the store's record and loads the stored code without
// reading or hashing the file (issue 15: a 2.6–30 MB program was read and
// hashed on every start).
func TestStoredProgramIsNotReadAgain(t *testing.T) {
	storeDir, dir := t.TempDir(), t.TempDir()
	for _, kind := range []string{"module", "component"} {
		t.Run(kind, func(t *testing.T) {
			src := testprog.Module(t, "probe")
			if kind == "component" {
				src = testprog.Component(t, "probe")
			}
			path := agedCopy(t, src, dir, kind+".wasm")
			if res := runArgs(t, storeEngine(t, storeDir, nil), path); res.Source != Compiled {
				t.Fatalf("first run: %v, want compiled", res.Source)
			}
			before := programReads.Load()
			eng := storeEngine(t, storeDir, nil)
			if res := runArgs(t, eng, path); res.Source != Stored || res.Kind.String() != kind {
				t.Fatalf("second engine: %v %v, want stored %s", res.Source, res.Kind, kind)
			}
			if n := programReads.Load() - before; n != 0 {
				t.Errorf("the second engine read the unchanged program %d times", n)
			}
			d, err := eng.Digest(path)
			if err != nil || programReads.Load() != before {
				t.Errorf("Digest: %v, or it read the file", err)
			}
			want, _ := fileDigest(src)
			if d != want {
				t.Errorf("Digest %s, want %s", d, want)
			}
		})
	}
}

// TestRecordedProgramChanged: a program file rewritten in place (same
// path and inode, other bytes) is read again and its new program runs; a
// pin is checked against the recorded digest as against a read one.
func TestRecordedProgramChanged(t *testing.T) {
	storeDir, dir := t.TempDir(), t.TempDir()
	path := agedCopy(t, testprog.Module(t, "probe"), dir, "p.wasm")
	runArgs(t, storeEngine(t, storeDir, nil), path)

	digest, _ := fileDigest(path)
	before := programReads.Load()
	cmd := storeEngine(t, storeDir, nil).Command(path, "write", "/x", "y")
	cmd.SHA256 = strings.Repeat("f", 64)
	res, err := cmd.Run(context.Background())
	if res.Run != 0 || programReads.Load() != before {
		t.Errorf("wrong pin with a recorded digest: ran %v, or read the file", res.Run)
	}
	golden.CheckError(t, filepath.Join("testdata", "golden", "pinned-digest", "wrong-pin.txt"), err, path, "PROGRAM", digest, "DIGEST")

	greet, err := os.ReadFile(testprog.Module(t, "greet"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, greet, 0o644); err != nil {
		t.Fatal(err)
	}
	before = programReads.Load()
	cmd = storeEngine(t, storeDir, nil).Command(path, "you")
	var out bytes.Buffer
	cmd.Stdout = &out
	if _, err := cmd.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if programReads.Load() == before || strings.Contains(out.String(), "args") {
		t.Fatalf("the changed file was not read again: %q", out.String())
	}
}

// TestForgedProgramRecordIsIgnored: a record changed by someone without
// the store key, here to name another stored program's digest, does not
// verify: the file is read as if there were no record, and its own
// program runs.
func TestForgedProgramRecordIsIgnored(t *testing.T) {
	storeDir, dir := t.TempDir(), t.TempDir()
	greet := agedCopy(t, testprog.Module(t, "greet"), dir, "greet.wasm")
	if _, err := storeEngine(t, storeDir, nil).Command(greet).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	path := agedCopy(t, testprog.Module(t, "probe"), dir, "p.wasm")
	runArgs(t, storeEngine(t, storeDir, nil), path)
	st, err := statFile(path)
	if err != nil {
		t.Fatal(err)
	}
	probeDigest, _ := fileDigest(path)
	greetDigest, _ := fileDigest(greet)
	recs, _ := filepath.Glob(filepath.Join(storeDir, "*", "*.prog"))
	var forged int
	for _, rec := range recs {
		b, _ := os.ReadFile(rec)
		if strings.Contains(string(b), probeDigest) {
			b = []byte(strings.Replace(string(b), probeDigest, greetDigest, 1))
			if err := os.WriteFile(rec, b, 0o600); err != nil {
				t.Fatal(err)
			}
			forged++
		}
	}
	if forged != 1 || !st.Reliable() {
		t.Fatalf("forged %d of the records %v", forged, recs)
	}
	before := programReads.Load()
	runArgs(t, storeEngine(t, storeDir, nil), path) // fails if greet runs
	if programReads.Load() == before {
		t.Fatal("the file was not read")
	}
}

func fileDigest(path string) (string, error) {
	eng, err := NewEngine(Options{NoStore: true})
	if err != nil {
		return "", err
	}
	defer eng.Close()
	return eng.Digest(path)
}
