package repocheck

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestLargeFiles tracks files of several sizes in a real git repository:
// only those over the limit and outside testdata folders are reported, and
// what counts is what git tracks, not what the work tree holds.
func TestLargeFiles(t *testing.T) {
	root := t.TempDir()
	git(t, root, "init", "-q")
	files := map[string]int{
		"big.bin":                   1<<20 + 1,
		"docs/also-big.pdf":         3 << 20,
		"exactly-the-limit.bin":     1 << 20,
		"small.txt":                 10,
		"pkg/testdata/corpus.wasm":  2 << 20,
		"testdata/fuzz/FuzzX/input": 2 << 20,
		"testdatax/not-exempt.bin":  2 << 20,
		"shrunk-after-add.bin":      2 << 20,
		"untracked-big.bin":         2 << 20,
	}
	for name, size := range files {
		path := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
		if name != "untracked-big.bin" {
			git(t, root, "add", name)
		}
	}
	// The index keeps the 2 MiB blob; the work tree's file is small.
	os.WriteFile(filepath.Join(root, "shrunk-after-add.bin"), nil, 0o644)

	got, err := LargeFiles(root, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range got {
		paths = append(paths, f.Path)
	}
	want := []string{"big.bin", "docs/also-big.pdf", "shrunk-after-add.bin", "testdatax/not-exempt.bin"}
	if !slices.Equal(paths, want) {
		t.Errorf("LargeFiles = %v, want %v", paths, want)
	}
	if len(got) > 0 && got[0].Size != 1<<20+1 {
		t.Errorf("size of %s = %d, want %d", got[0].Path, got[0].Size, 1<<20+1)
	}

	err = CheckFileSizes(root)
	if !errors.Is(err, ErrLargeFiles) {
		t.Fatalf("CheckFileSizes = %v, want ErrLargeFiles", err)
	}
	t.Log(err)
}

// TestThisRepository is the check itself, run on this repository.
func TestThisRepository(t *testing.T) {
	if err := CheckFileSizes("../.."); err != nil {
		t.Fatal(err)
	}
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}
