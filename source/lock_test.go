package source_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/golden"
	"github.com/wasmtasks/wasmtasks/source"
)

var sampleLock = &source.Lock{Components: map[string]source.Pin{
	"yacc": {Source: "go", Ref: "golang.org/x/tools/cmd/goyacc@latest", Resolved: "v0.52.0", Go: "go1.26.8", SHA256: strings.Repeat("a", 64)},
	"tool": {Source: "url", Ref: "https://example.com/t.tgz#package/t.wasm", Resolved: "sha256:" + strings.Repeat("b", 64), SHA256: strings.Repeat("c", 64)},
}}

// TestLockRoundTrip: a lock reads back as written, the same lock is the
// same bytes, the file is 0644 and no temporary file is left.
func TestLockRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, source.LockName)
	if err := sampleLock.Write(path); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(path)
	got, err := source.ReadLock(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Components) != 2 || got.Components["yacc"] != sampleLock.Components["yacc"] || got.Components["tool"] != sampleLock.Components["tool"] {
		t.Errorf("read back %+v", got)
	}
	if err := got.Write(path); err != nil {
		t.Fatal(err)
	}
	if second, _ := os.ReadFile(path); string(second) != string(first) {
		t.Errorf("not stable:\n%s\n%s", first, second)
	}
	if !strings.HasPrefix(string(first), "{\n\t\"version\": 1,") {
		t.Errorf("the version is not first:\n%s", first)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", fi.Mode())
	}
	if left := leftovers(t, dir); len(left) > 0 {
		t.Errorf("left: %v", left)
	}
}

// TestLockErrors: a missing lock matches fs.ErrNotExist; a broken one is
// an ErrLock that names the file (and line:column when the JSON is bad)
// and whose words (golden) say what is wrong and what to do.
func TestLockErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := source.ReadLock(filepath.Join(dir, "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	path := filepath.Join(dir, source.LockName)
	cases := map[string]struct{ body, where string }{
		"syntax":  {"{\n\t\"version\": 1,\n\t\"components\": {,}\n}\n", path + ":3:18"}, // json's offset: just past the comma
		"unknown": {`{"version": 1, "components": {}, "extra": true}`, path},
		"version": {`{"version": 2, "components": {}}`, path},
		"digest":  {`{"version": 1, "components": {"x": {"source": "url", "ref": "u", "sha256": "abc"}}}`, path},
		"source":  {`{"version": 1, "components": {"x": {"source": "ftp", "ref": "u", "sha256": "` + strings.Repeat("a", 64) + `"}}}`, path},
		"trailer": {`{"version": 1, "components": {}} {}`, path},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			os.WriteFile(path, []byte(c.body), 0o644)
			_, err := source.ReadLock(path)
			wantError(t, err, source.ErrLock, c.where, 0)
			golden.CheckError(t, goldenFile("lock errors", name), err, dir, "DIR")
		})
	}
}

// TestLockThatIsNotAFile: a lock file that cannot be read as a regular
// file (here a folder in its place) is an ErrLock with exit status 2,
// not a bare error that would exit 1.
func TestLockThatIsNotAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), source.LockName)
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := source.ReadLock(path)
	var se *source.Error
	if !errors.Is(err, source.ErrLock) || !errors.As(err, &se) || se.ExitStatus() != 2 || se.Ref != path {
		t.Fatalf("got %v, want an ErrLock *source.Error for %s with exit status 2", err, path)
	}
}
