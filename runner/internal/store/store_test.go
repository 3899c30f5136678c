package store

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// open returns a store in a fresh folder whose warnings land in the
// returned buffer.
func open(t *testing.T, max int64) (*Store, *bytes.Buffer) {
	t.Helper()
	var log bytes.Buffer
	c, err := Open(t.TempDir(), max, slog.New(slog.NewTextHandler(&log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return c, &log
}

func code(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i) ^ seed
	}
	return b
}

func TestPutGet(t *testing.T) {
	c, log := open(t, 0)
	if _, _, err := readEntry(t, c, "k1"); !errors.Is(err, ErrMiss) {
		t.Fatalf("empty store: got %v, want ErrMiss", err)
	}
	want := code(5000, 1)
	if err := c.Put("k1", "component", want); err != nil {
		t.Fatal(err)
	}
	got, kind, err := readEntry(t, c, "k1")
	if err != nil || kind != "component" {
		t.Fatalf("Get = %q, %v", kind, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("stored code differs")
	}
	if st := c.Stats(); st != (Stats{Hits: 1, Misses: 1, Puts: 1}) {
		t.Errorf("stats %+v", st)
	}
	if fi, err := os.Stat(c.dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("store folder mode %v, %v; want 0700", fi.Mode().Perm(), err)
	}
	assertNoTemps(t, c)
	if log.Len() != 0 {
		t.Errorf("unexpected warnings: %s", log)
	}
}

func assertNoTemps(t *testing.T, c *Store) {
	t.Helper()
	des, _ := os.ReadDir(c.dir)
	for _, de := range des {
		if strings.HasPrefix(de.Name(), tempPrefix) {
			t.Errorf("temporary file left behind: %s", de.Name())
		}
	}
}

// TestDamagedEntries damages a stored entry in each way a disk or a crash
// can, and checks that Get reports a miss, warns, and removes the entry.
func TestDamagedEntries(t *testing.T) {
	damages := map[string]func(c *Store, key string) error{
		"flipped byte": func(c *Store, key string) error {
			b, _ := os.ReadFile(c.codePath(key))
			b[len(b)/2] ^= 0x40
			return os.WriteFile(c.codePath(key), b, 0o600)
		},
		"truncated":    func(c *Store, key string) error { return os.Truncate(c.codePath(key), 100) },
		"zero length":  func(c *Store, key string) error { return os.Truncate(c.codePath(key), 0) },
		"code missing": func(c *Store, key string) error { return os.Remove(c.codePath(key)) },
		"directory in place of code": func(c *Store, key string) error {
			os.Remove(c.codePath(key))
			return os.Mkdir(c.codePath(key), 0o700)
		},
		"directory in place of checksum": func(c *Store, key string) error {
			os.Remove(c.sumPath(key))
			return os.Mkdir(c.sumPath(key), 0o700)
		},
		"garbage checksum file": func(c *Store, key string) error {
			return os.WriteFile(c.sumPath(key), []byte("\x00\x01garbage"), 0o600)
		},
		"empty checksum file": func(c *Store, key string) error { return os.Truncate(c.sumPath(key), 0) },
	}
	for name, damageFn := range damages {
		t.Run(name, func(t *testing.T) {
			c, log := open(t, 0)
			if err := c.Put("k", "module", code(4096, 7)); err != nil {
				t.Fatal(err)
			}
			if err := damageFn(c, "k"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := readEntry(t, c, "k"); !errors.Is(err, ErrMiss) {
				t.Fatalf("got %v, want ErrMiss", err)
			}
			if !strings.Contains(log.String(), "removed a damaged entry") {
				t.Errorf("no warning; log: %q", log)
			}
			for _, p := range []string{c.codePath("k"), c.sumPath("k")} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s still exists", filepath.Base(p))
				}
			}
			// The next Put repairs the entry.
			if err := c.Put("k", "module", code(4096, 7)); err != nil {
				t.Fatal(err)
			}
			if _, _, err := readEntry(t, c, "k"); err != nil {
				t.Errorf("after repair: %v", err)
			}
		})
	}
}

// TestEvictsLeastRecentlyUsed fills a store past its cap and checks that
// what goes is what was used longest ago.
func TestEvictsLeastRecentlyUsed(t *testing.T) {
	const size = 10000
	c, _ := open(t, 3*size+500) // room for three entries and their .sum files
	past := time.Now().Add(-time.Hour)
	for i, key := range []string{"a", "b", "c"} {
		if err := c.Put(key, "module", code(size, byte(i))); err != nil {
			t.Fatal(err)
		}
		at := past.Add(time.Duration(i) * time.Minute) // a oldest, c newest
		os.Chtimes(c.sumPath(key), at, at)
	}
	if _, _, err := readEntry(t, c, "a"); err != nil { // a becomes the most recently used
		t.Fatal(err)
	}
	if err := c.Put("d", "module", code(size, 3)); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]bool{"a": true, "b": false, "c": true, "d": true} {
		_, err := os.Stat(c.sumPath(key))
		if (err == nil) != want {
			t.Errorf("entry %s present=%v, want %v", key, err == nil, want)
		}
	}
	entries, bytes, err := c.Usage()
	if err != nil || bytes > c.max || entries != 3 {
		t.Errorf("%d entries of %d bytes, %v; want 3 entries within %d bytes", entries, bytes, err, c.max)
	}
}

func TestPruneRemovesStraysAndShrinks(t *testing.T) {
	c, _ := open(t, 0)
	for i, key := range []string{"a", "b"} {
		if err := c.Put(key, "module", code(10000, byte(i))); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	strays := []string{tempPrefix + "123", "orphan.cwasm"}
	for _, s := range strays {
		p := filepath.Join(c.dir, s)
		os.WriteFile(p, []byte("half written"), 0o600)
		os.Chtimes(p, old, old)
	}
	fresh := filepath.Join(c.dir, tempPrefix+"being-written")
	os.WriteFile(fresh, []byte("in progress"), 0o600)

	c.max = 15000 // room for one entry
	removed, _, err := c.Prune()
	if err != nil || removed != 3 {
		t.Errorf("Prune removed %d, %v; want 3 (one entry, two strays)", removed, err)
	}
	for _, s := range strays {
		if _, err := os.Stat(filepath.Join(c.dir, s)); err == nil {
			t.Errorf("stray %s survived Prune", s)
		}
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("Prune removed a file another process may still be writing")
	}
	if n, _, _ := c.Usage(); n != 1 {
		t.Errorf("%d entries after Prune, want 1", n)
	}
}

func TestClear(t *testing.T) {
	c, _ := open(t, 0)
	c.Put("a", "module", code(100, 1))
	os.MkdirAll(filepath.Join(c.root, "v1"), 0o700)
	if err := c.Clear(); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := c.Usage(); n != 0 {
		t.Errorf("%d entries after Clear", n)
	}
	if _, err := os.Stat(filepath.Join(c.root, "v1")); err == nil {
		t.Errorf("old layout folder survived Clear")
	}
	if err := c.Put("b", "module", code(100, 1)); err != nil {
		t.Errorf("Put after Clear: %v", err)
	}
}

// TestClearKeepsWhatIsNotItsOwn puts the store in a project folder
// (cache_dir: .) beside the project's own vendor/, venv/ and v8/ folders:
// Clear removes only the store's layout folders, and nothing at all from a
// folder that lacks the store's marker file.
func TestClearKeepsWhatIsNotItsOwn(t *testing.T) {
	project := t.TempDir()
	theirs := []string{"vendor", "venv", "v8", "v1x"}
	for _, d := range theirs {
		if err := os.MkdirAll(filepath.Join(project, d, "keep"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	c, err := Open(project, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Put("a", "module", code(100, 1)); err != nil {
		t.Fatal(err)
	}
	if err := c.Clear(); err != nil {
		t.Fatal(err)
	}
	for _, d := range theirs {
		if _, err := os.Stat(filepath.Join(project, d, "keep")); err != nil {
			t.Errorf("Clear removed the project's %s/: %v", d, err)
		}
	}
	if n, _, _ := c.Usage(); n != 0 {
		t.Errorf("%d entries after Clear", n)
	}

	// A folder without the marker is not a store: Clear refuses it.
	if err := c.Put("b", "module", code(100, 1)); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(project, markerName)); err != nil {
		t.Fatal(err)
	}
	if err := c.Clear(); err == nil {
		t.Error("Clear of a folder without the store's marker succeeded")
	}
	if n, _, _ := c.Usage(); n != 1 {
		t.Errorf("%d entries after a refused Clear, want 1", n)
	}
}

func TestUnwritableStoreWarnsOnce(t *testing.T) {
	c, log := open(t, 0)
	// Replace the entries folder by a file: every write fails, even as root.
	os.RemoveAll(c.dir)
	os.WriteFile(c.dir, nil, 0o600)
	for range 3 {
		if err := c.Put("k", "module", code(100, 1)); err == nil {
			t.Fatal("Put succeeded")
		}
		if _, _, err := readEntry(t, c, "k"); !errors.Is(err, ErrMiss) {
			t.Fatalf("Get: %v", err)
		}
	}
	if n := strings.Count(log.String(), "cannot write compiled code"); n != 1 {
		t.Errorf("%d warnings, want 1:\n%s", n, log)
	}
	if strings.Contains(log.String(), "damaged") {
		t.Errorf("an unwritable store is not a damaged entry:\n%s", log)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv(EnvDir, "/somewhere/else")
	if d, err := DefaultDir(); err != nil || d != "/somewhere/else" {
		t.Errorf("DefaultDir = %q, %v", d, err)
	}
	t.Setenv(EnvDir, "")
	t.Setenv("XDG_CACHE_HOME", "/xdg")
	if d, err := DefaultDir(); err != nil || d != "/xdg/wasmtasks" {
		t.Errorf("DefaultDir = %q, %v", d, err)
	}
}

// readEntry gets an entry and reads its compiled code and kind.
func readEntry(t *testing.T, c *Store, key string) ([]byte, string, error) {
	t.Helper()
	e, err := c.Get(key)
	if err != nil {
		return nil, "", err
	}
	defer e.Close()
	b, err := os.ReadFile(e.Path())
	if err != nil {
		t.Fatal(err)
	}
	return b, e.Kind, nil
}
