package source_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/source"
)

// variant returns prog with a custom section appended: another real
// program with another digest.
func variant(prog []byte, tag byte) []byte {
	return append(append([]byte(nil), prog...), 0x00, 0x03, 0x01, 'x', tag)
}

// age makes the program at path last used d ago: its stamp records when
// (the program's own times are part of its identity).
func age(t *testing.T, path string, d time.Duration) {
	t.Helper()
	then := time.Now().Add(-d)
	if err := os.Chtimes(path+".stamp", then, then); err != nil {
		t.Fatal(err)
	}
}

// TestSourcesUsagePruneClear: usage counts real fetched programs, a
// download and an unpacked archive; prune removes the least recently used
// first (a program served from the store counts as used), and the next
// fetch downloads it again; clear removes everything.
func TestSourcesUsagePruneClear(t *testing.T) {
	ctx := context.Background()
	a, b := probe(t), variant(probe(t), 'b')
	ar := targz(t, member{name: "pkg/tool.wasm", body: string(variant(a, 'c'))}, member{name: "pkg/share/data.txt", body: "data"})
	srv := serve(t, map[string]http.HandlerFunc{"/a.wasm": bytesHandler(a), "/b.wasm": bytesHandler(b), "/t.tgz": bytesHandler(ar)})
	f := &source.Fetcher{Dir: t.TempDir()}
	specA := source.Spec{URL: srv.URL + "/a.wasm", SHA256: digest(a)}
	specB := source.Spec{URL: srv.URL + "/b.wasm", SHA256: digest(b)}
	specT := source.Spec{URL: srv.URL + "/t.tgz", SHA256: digest(ar), File: "pkg/tool.wasm"}
	pathA, _, errA := f.Fetch(ctx, specA, nil)
	pathB, _, errB := f.Fetch(ctx, specB, nil)
	_, _, errT := f.Fetch(ctx, specT, nil)
	_, errD := f.ArchiveDir(ctx, specT, "pkg/share")
	for _, err := range []error{errA, errB, errT, errD} {
		if err != nil {
			t.Fatal(err)
		}
	}
	u, err := f.Usage()
	if err != nil {
		t.Fatal(err)
	}
	if u.Programs != 3 || u.Downloads != 1 || u.Archives != 1 || len(u.Entries) != 5 {
		t.Fatalf("usage: %+v", u)
	}
	min := int64(len(a) + len(b) + len(ar) + 2*len(a))
	if u.Bytes < min {
		t.Errorf("usage: %d bytes, want at least %d", u.Bytes, min)
	}

	// A is older than B, but is then served again: B is now the least
	// recently used, and a cap that holds one of them removes B.
	for _, spec := range []source.Spec{specA, specB} { // hashed again, they get stamps
		if _, _, err := f.Fetch(ctx, spec, nil); err != nil {
			t.Fatal(err)
		}
	}
	age(t, pathA, 2*time.Hour)
	age(t, pathB, time.Hour)
	if _, _, err := f.Fetch(ctx, specA, nil); err != nil {
		t.Fatal(err)
	}
	u, _ = f.Usage()
	removed, freed, err := f.Prune(u.Bytes - int64(len(b)))
	if err != nil || removed != 1 || freed < int64(len(b)) {
		t.Fatalf("prune: removed %d, freed %d, %v", removed, freed, err)
	}
	if _, err := os.Lstat(pathB); !os.IsNotExist(err) {
		t.Errorf("prune kept the least recently used program B: %v", err)
	}
	if _, err := os.Lstat(pathB + ".stamp"); !os.IsNotExist(err) {
		t.Errorf("prune left B's stamp behind: %v", err)
	}
	if _, err := os.Lstat(pathA); err != nil {
		t.Errorf("prune removed A, used just now: %v", err)
	}
	before := srv.requests.Load()
	if _, _, err := f.Fetch(ctx, specB, nil); err != nil || srv.requests.Load() != before+1 {
		t.Errorf("fetch after prune: %v, %d requests, want 1", err, srv.requests.Load()-before)
	}

	// A cap of nothing removes every entry, the archive folder whole.
	if _, _, err := f.Prune(0); err != nil {
		t.Fatal(err)
	}
	if u, _ := f.Usage(); len(u.Entries) != 0 || u.Programs+u.Downloads+u.Archives != 0 {
		t.Errorf("after prune to 0: %+v", u)
	}
	if left := leftovers(t, f.Dir); len(left) != 0 {
		t.Errorf("prune left temporaries: %v", left)
	}

	if _, _, err := f.Fetch(ctx, specT, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.Clear(); err != nil {
		t.Fatal(err)
	}
	if u, _ := f.Usage(); u.Bytes != 0 || len(u.Entries) != 0 {
		t.Errorf("after clear: %+v", u)
	}
	if _, _, err := f.Fetch(ctx, specA, nil); err != nil {
		t.Errorf("fetch after clear: %v", err)
	}
}

// TestSourcesUsageNoFollow: usage counts a symbolic link in an unpacked
// archive as a link, not as what it points to, and prune removes a stamp
// whose program is gone.
func TestSourcesUsageNoFollow(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(t.TempDir(), "big")
	os.WriteFile(big, make([]byte, 1<<20), 0o600)
	arch := filepath.Join(dir, "archives", "sha256", digest([]byte("x")))
	os.MkdirAll(arch, 0o700)
	if err := os.Symlink(big, filepath.Join(arch, "link")); err != nil {
		t.Fatal(err)
	}
	progs := filepath.Join(dir, "programs", "sha256")
	os.MkdirAll(progs, 0o700)
	stray := filepath.Join(progs, digest([]byte("y"))+".wasm.stamp")
	os.WriteFile(stray, []byte("{}"), 0o600)
	f := &source.Fetcher{Dir: dir}
	u, err := f.Usage()
	if err != nil || u.Archives != 1 || u.Bytes >= 1<<20 {
		t.Fatalf("usage followed a link: %+v, %v", u, err)
	}
	if _, _, err := f.Prune(1 << 30); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(stray); !os.IsNotExist(err) {
		t.Errorf("prune kept a stamp without its program: %v", err)
	}
	if _, err := os.Lstat(big); err != nil {
		t.Errorf("the link's target is gone: %v", err)
	}
}
