//go:build unix

package store

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// nobody is the uid of the user that owns nothing: the other user of these
// tests, which run as root.
const nobody = 65534

// requireRoot fails the test unless it runs as root, which it needs to
// give files to another user.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Getuid() != 0 {
		t.Fatal("this test gives files to another user and must run as root (as CI does)")
	}
}

// writeKey writes a store key file holding 32 bytes of seed and returns its
// path.
func writeKey(t *testing.T, seed byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "team.key")
	if err := os.WriteFile(path, []byte(strings.Repeat(string("0123456789abcdef"[seed%16]), 64)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func openLogged(t *testing.T, root string) (*Store, *bytes.Buffer) {
	t.Helper()
	var log bytes.Buffer
	c, err := Open(root, 0, slog.New(slog.NewTextHandler(&log, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return c, &log
}

// TestEntryMadeUnderAnotherKey stores an entry under one key file and reads
// the store with another, as another user or a CI job with its own key
// would: the entry is never given out, it is removed with a warning that
// says why, and the next Put replaces it.
func TestEntryMadeUnderAnotherKey(t *testing.T) {
	root := t.TempDir()
	t.Setenv(EnvKeyFile, writeKey(t, 1))
	a, _ := openLogged(t, root)
	if err := a.Put("k", "module", code(4096, 1)); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvKeyFile, writeKey(t, 2))
	b, log := openLogged(t, root)
	if _, _, err := readEntry(t, b, "k"); !errors.Is(err, ErrMiss) {
		t.Fatalf("entry made under another key: got %v, want ErrMiss", err)
	}
	if !strings.Contains(log.String(), "another store key") {
		t.Errorf("warning does not say the entry was made under another key: %q", log)
	}
	if _, err := os.Stat(b.sumPath("k")); err == nil {
		t.Error("the entry was not removed")
	}
	if err := b.Put("k", "module", code(4096, 1)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := readEntry(t, b, "k"); err != nil {
		t.Errorf("after Put under this key: %v", err)
	}
}

// TestForgedEntry moves a whole, self-consistent entry to another key's
// names, as someone who can write the store but does not hold the key can:
// the code of one program must never be given out as another's.
func TestForgedEntry(t *testing.T) {
	c, log := openLogged(t, t.TempDir())
	if err := c.Put("victim", "module", code(4096, 1)); err != nil {
		t.Fatal(err)
	}
	if err := c.Put("evil", "module", code(4096, 9)); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".cwasm", ".sum"} {
		if err := os.Rename(filepath.Join(c.dir, "evil"+ext), filepath.Join(c.dir, "victim"+ext)); err != nil {
			t.Fatal(err)
		}
	}
	got, _, err := readEntry(t, c, "victim")
	if !errors.Is(err, ErrMiss) {
		t.Fatalf("forged entry given out (same as evil's code: %v), err %v", bytes.Equal(got, code(4096, 9)), err)
	}
	if !strings.Contains(log.String(), "does not verify") {
		t.Errorf("no warning about the forged entry: %q", log)
	}
}

// TestEntrySwappedAfterCheck replaces the code file right after Get
// verified it: what the caller loads must be what was verified.
func TestEntrySwappedAfterCheck(t *testing.T) {
	c, _ := openLogged(t, t.TempDir())
	want := code(4096, 1)
	if err := c.Put("k", "module", want); err != nil {
		t.Fatal(err)
	}
	e, err := c.Get("k")
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	swap := filepath.Join(c.dir, "swap")
	os.WriteFile(swap, code(4096, 9), 0o600)
	if err := os.Rename(swap, c.codePath("k")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(e.Path())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("the path Get returned reads the swapped file, not the verified one")
	}
}

// TestSpecialFilesInStore plants a named pipe, and a symbolic link to
// /dev/zero, in place of an entry's files: Get must neither block on the
// pipe nor read /dev/zero without end, and must treat the entry as damaged.
func TestSpecialFilesInStore(t *testing.T) {
	plant := map[string]func(path string) error{
		"fifo":     func(p string) error { return syscall.Mkfifo(p, 0o600) },
		"dev-zero": func(p string) error { return os.Symlink("/dev/zero", p) },
	}
	for what, fn := range plant {
		for _, ext := range []string{".sum", ".cwasm"} {
			t.Run(what+"-as-"+ext[1:], func(t *testing.T) {
				c, log := openLogged(t, t.TempDir())
				if err := c.Put("k", "module", code(4096, 1)); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(c.dir, "k"+ext)
				os.Remove(path)
				if err := fn(path); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() {
					_, _, err := readEntry(t, c, "k")
					done <- err
				}()
				select {
				case err := <-done:
					if !errors.Is(err, ErrMiss) {
						t.Errorf("got %v, want ErrMiss", err)
					}
				case <-time.After(10 * time.Second):
					if f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
						f.Close() // wake the blocked reader
					}
					t.Fatal("Get still blocked after 10s")
				}
				if !strings.Contains(log.String(), "damaged") {
					t.Errorf("no warning about a damaged entry: %q", log)
				}
				if _, err := os.Lstat(path); err == nil {
					t.Errorf("the planted %s was not removed", ext)
				}
			})
		}
	}
}

// TestUnsafeStoreFolders makes the store, its entries folder or a folder
// on the way to it writable by, or owned by, another user: Open refuses
// the store with ErrUnsafe, because that user could replace the code this
// user runs. A sticky shared folder like /tmp on the way is fine.
func TestUnsafeStoreFolders(t *testing.T) {
	requireRoot(t)
	cases := map[string]struct {
		setup  func(parent, root string) error
		unsafe bool
	}{
		"store mode 0777":             {func(_, root string) error { return os.Chmod(root, 0o777) }, true},
		"store mode 0770":             {func(_, root string) error { return os.Chmod(root, 0o770) }, true},
		"store owned by another user": {func(_, root string) error { return os.Lchown(root, nobody, nobody) }, true},
		"entries folder 0777": {func(_, root string) error {
			return os.Chmod(filepath.Join(root, layout), 0o777)
		}, true},
		"entries folder owned by another user": {func(_, root string) error {
			return os.Lchown(filepath.Join(root, layout), nobody, nobody)
		}, true},
		"entries folder is a symlink": {func(parent, root string) error {
			os.RemoveAll(filepath.Join(root, layout))
			os.Mkdir(filepath.Join(parent, "elsewhere"), 0o700)
			return os.Symlink(filepath.Join(parent, "elsewhere"), filepath.Join(root, layout))
		}, true},
		"parent mode 0777":             {func(parent, _ string) error { return os.Chmod(parent, 0o777) }, true},
		"parent owned by another user": {func(parent, _ string) error { return os.Lchown(parent, nobody, nobody) }, true},
		"parent sticky 1777":           {func(parent, _ string) error { return os.Chmod(parent, 0o777|os.ModeSticky) }, false},
		"store mode 0755":              {func(_, root string) error { return os.Chmod(root, 0o755) }, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			root := filepath.Join(parent, "store")
			c, err := Open(root, 0, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			c.Put("k", "module", code(100, 1))
			if err := tc.setup(parent, root); err != nil {
				t.Fatal(err)
			}
			_, err = Open(root, 0, slog.New(slog.NewTextHandler(io.Discard, nil)))
			t.Logf("Open: %v", err)
			if got := errors.Is(err, ErrUnsafe); got != tc.unsafe {
				t.Errorf("Open refused as unsafe: %v, want %v (err %v)", got, tc.unsafe, err)
			}
			if !tc.unsafe && err != nil {
				t.Errorf("Open: %v", err)
			}
		})
	}
}

// TestUnsafeKeyFile gives the store a key file that others can read or
// that another user owns: anyone who can read the key can forge entries,
// and anyone who can replace it can choose it, so Open refuses it.
func TestUnsafeKeyFile(t *testing.T) {
	requireRoot(t)
	cases := map[string]func(path string) error{
		"readable by others":    func(p string) error { return os.Chmod(p, 0o644) },
		"writable by group":     func(p string) error { return os.Chmod(p, 0o620) },
		"owned by another user": func(p string) error { return os.Lchown(p, nobody, nobody) },
		"folder writable by others": func(p string) error {
			return os.Chmod(filepath.Dir(p), 0o777)
		},
		"a named pipe": func(p string) error {
			os.Remove(p)
			return syscall.Mkfifo(p, 0o600)
		},
	}
	for name, setup := range cases {
		t.Run(name, func(t *testing.T) {
			key := writeKey(t, 1)
			if err := setup(key); err != nil {
				t.Fatal(err)
			}
			t.Setenv(EnvKeyFile, key)
			done := make(chan error, 1)
			go func() {
				_, err := Open(t.TempDir(), 0, nil)
				done <- err
			}()
			select {
			case err := <-done:
				t.Logf("Open: %v", err)
				if !errors.Is(err, ErrUnsafe) {
					t.Errorf("got %v, want ErrUnsafe", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Open still blocked after 10s")
			}
		})
	}
}

// TestDefaultKey checks the per-user key: made on first use in the user
// config folder, 0600 in a 0700 folder, and the same for every store and
// every concurrent opener.
func TestDefaultKey(t *testing.T) {
	t.Setenv(EnvKeyFile, "")
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	const n = 8
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := Open(t.TempDir(), 0, nil)
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(cfg, "wasmtasks", "store.key")
	if got, err := KeyFile(); err != nil || got != path {
		t.Errorf("KeyFile = %q, %v; want %q", got, err, path)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		fi, err := os.Stat(p)
		if err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, %v; want %v", p, fi.Mode().Perm(), err, want)
		}
	}
	// Two stores under the same key accept each other's entries.
	root := t.TempDir()
	a, _ := openLogged(t, root)
	a.Put("k", "module", code(100, 1))
	b, _ := openLogged(t, root)
	if _, _, err := readEntry(t, b, "k"); err != nil {
		t.Errorf("entry made under the same key: %v", err)
	}
	temps, _ := filepath.Glob(filepath.Join(cfg, "wasmtasks", ".*"))
	if len(temps) > 0 {
		t.Errorf("temporary files left beside the key: %v", temps)
	}
}
