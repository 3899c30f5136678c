package store

import (
	"path/filepath"
	"strings"
	"testing"
)

// withinByRel is within as filepath.Rel decides it, the reference.
func withinByRel(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func TestWithin(t *testing.T) {
	for _, tt := range []struct {
		path, dir string
		want      bool
	}{
		{"/a/b", "/a", true},
		{"/a", "/a", true},
		{"/ab", "/a", false},
		{"/a", "/a/b", false},
		{"/x/y", "/", true},
		{"/", "/", true},
		{"a/b", "a", true},
		{"../a", "..", true},
		{"..a", "..", false},
		{"/a/b/c", "/a/bc", false},
	} {
		if got := within(tt.path, tt.dir); got != tt.want {
			t.Errorf("within(%q, %q) = %t, want %t", tt.path, tt.dir, got, tt.want)
		}
	}
}

// FuzzWithin checks the string comparison against filepath.Rel for clean
// paths, both absolute or both relative, as realPath gives them.
func FuzzWithin(f *testing.F) {
	f.Add("/a/b", "/a")
	f.Add("/ab", "/a")
	f.Add("../a", "..")
	f.Fuzz(func(t *testing.T, path, dir string) {
		if path == "" || dir == "" || strings.ContainsRune(path+dir, 0) {
			return
		}
		path, dir = filepath.Clean(path), filepath.Clean(dir)
		if filepath.IsAbs(path) != filepath.IsAbs(dir) {
			return
		}
		if got, want := within(path, dir), withinByRel(path, dir); got != want {
			t.Errorf("within(%q, %q) = %t, filepath.Rel says %t", path, dir, got, want)
		}
	})
}

// TestWithinIgnoresCaseWhereTheFileSystemDoes: on macOS a task's folder
// spelt in another case is the store all the same.
func TestWithinIgnoresCaseWhereTheFileSystemDoes(t *testing.T) {
	for _, tt := range []struct {
		path, dir string
		want      bool
	}{
		{"/Users/me/Library/Caches/WASMTASKS/v2", "/Users/me/Library/Caches/wasmtasks", true},
		{"/users/me/library/caches/wasmtasks", "/Users/me/Library/Caches/wasmtasks", true},
		{"/Users/me/Library/Caches/wasmtasks-other", "/Users/me/Library/Caches/wasmtasks", false},
		{"/Users", "/Users/me", false},
	} {
		if got := withinFold(tt.path, tt.dir, true); got != tt.want {
			t.Errorf("withinFold(%q, %q) = %t, want %t", tt.path, tt.dir, got, tt.want)
		}
	}
	if withinFold("/A/b", "/a", false) {
		t.Error("without folding, /A/b is within /a")
	}
}
