package store

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/filestamp"
)

// settle waits until an entry written now is older than the racy window,
// so that a verified Get may vouch for its file identity.
func settle(t *testing.T) {
	t.Helper()
	old := racyWindow
	racyWindow = 20 * time.Millisecond
	t.Cleanup(func() { racyWindow = old })
	time.Sleep(3 * racyWindow)
}

// TestUnchangedEntryIsHashedOnce gets a stored entry twice: the first Get
// hashes the whole code, the second finds the same file identity under a
// valid MAC and hashes nothing (issue 15: re-hashing 8–120 MB of code on
// every start).
func TestUnchangedEntryIsHashedOnce(t *testing.T) {
	c, _ := open(t, 0)
	want := code(1<<20, 3)
	if err := c.Put("k", "module", want); err != nil {
		t.Fatal(err)
	}
	settle(t)
	before := hashedBytes.Load()
	if _, _, err := readEntry(t, c, "k"); err != nil {
		t.Fatal(err)
	}
	if n := hashedBytes.Load() - before; n != int64(len(want)) {
		t.Fatalf("first Get hashed %d bytes, want %d", n, len(want))
	}
	before = hashedBytes.Load()
	got, _, err := readEntry(t, c, "k")
	if err != nil || string(got) != string(want) {
		t.Fatalf("second Get: %v", err)
	}
	if n := hashedBytes.Load() - before; n != 0 {
		t.Errorf("second Get of an unchanged entry hashed %d bytes, want 0", n)
	}
}

// TestFlippedByteAfterCheckIsCaught verifies an entry (so its identity is
// vouched for), then flips one byte of its code in place, keeping inode and
// size: the changed status-change time makes the next Get verify the code
// again, find the damage and refuse the entry.
func TestFlippedByteAfterCheckIsCaught(t *testing.T) {
	c, _ := open(t, 0)
	if err := c.Put("k", "module", code(1<<20, 4)); err != nil {
		t.Fatal(err)
	}
	settle(t)
	if _, _, err := readEntry(t, c, "k"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * racyWindow) // past the file system's timestamp granularity
	f, err := os.OpenFile(c.codePath("k"), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt([]byte{0xff}, 12345); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, _, err := readEntry(t, c, "k"); !errors.Is(err, ErrMiss) {
		t.Fatalf("Get of a flipped entry: %v, want ErrMiss", err)
	}
}

// TestForgedIdentityIsRefused writes an identity file for a damaged entry
// without the key: its MAC does not verify, so the code is hashed and the
// damage found.
func TestForgedIdentityIsRefused(t *testing.T) {
	c, _ := open(t, 0)
	if err := c.Put("k", "module", code(4096, 5)); err != nil {
		t.Fatal(err)
	}
	settle(t)
	if _, _, err := readEntry(t, c, "k"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(c.seenPath("k"))
	if err != nil {
		t.Fatal(err)
	}
	// Damage the code, then write the identity of the damaged file with
	// the old MAC, as someone without the key could.
	f, _ := os.OpenFile(c.codePath("k"), os.O_WRONLY, 0)
	f.WriteAt([]byte{0xff}, 100)
	f.Close()
	fi, _ := os.Stat(c.codePath("k"))
	old, err := decodeSeen(b)
	if err != nil {
		t.Fatal(err)
	}
	forged := seenRecord{stamp: filestamp.Of(fi), mac: old.mac}
	if err := os.WriteFile(c.seenPath("k"), forged.encode(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := readEntry(t, c, "k"); !errors.Is(err, ErrMiss) {
		t.Fatalf("Get with a forged identity: %v, want ErrMiss", err)
	}
}
