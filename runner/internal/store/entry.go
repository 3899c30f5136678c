package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/safefs"
	"github.com/wasmtasks/wasmtasks/internal/tempfile"
)

const sumMagic = "wasmtasks compiled code " + layout

// maxSumFile bounds what is read of a .sum file.
const maxSumFile = 4 << 10

// sum is the content of an entry's .sum file.
type sum struct {
	kind  string
	size  int64
	keyID string
	mac   []byte
}

func (s sum) encode() []byte {
	return fmt.Appendf(nil, "%s\nkind %s\nsize %d\nkey-id %s\nhmac-sha256 %x\n", sumMagic, s.kind, s.size, s.keyID, s.mac)
}

func decodeSum(b []byte) (sum, error) {
	var s sum
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 5 || lines[0] != sumMagic {
		return s, errors.New("unrecognised checksum file")
	}
	for _, l := range lines[1:] {
		name, value, _ := strings.Cut(l, " ")
		switch name {
		case "kind":
			s.kind = value
		case "size":
			s.size, _ = strconv.ParseInt(value, 10, 64)
		case "key-id":
			s.keyID = value
		case "hmac-sha256":
			s.mac, _ = hex.DecodeString(value)
		}
	}
	if s.kind == "" || s.size <= 0 || s.keyID == "" || len(s.mac) != sha256.Size {
		return s, errors.New("unrecognised checksum file")
	}
	return s, nil
}

// newMAC starts the MAC of an entry: it covers the layout, the entry's
// name, kind and size, and then the code, so that no entry can be passed
// off as another's.
func (c *Store) newMAC(key, kind string, size int64) hash.Hash {
	h := hmac.New(sha256.New, c.key.secret)
	fmt.Fprintf(h, "%s\n%s\n%s\n%d\n", layout, key, kind, size)
	return h
}

// Entry is verified compiled code from the store, held open so that what is
// loaded is the very file that was verified. Close it once loaded.
type Entry struct {
	// Kind is the kind given to Put.
	Kind string

	f    *os.File
	path string
}

// Path returns a path that opens the verified file itself: on Linux
// /proc/self/fd/N of the open file, so that a file swapped in after the
// check is never loaded; elsewhere the entry's path. It is valid until
// Close.
func (e *Entry) Path() string { return e.path }

// Close releases the entry.
func (e *Entry) Close() error { return e.f.Close() }

// Get returns the verified compiled code stored under key. It returns
// ErrMiss when there is no entry or the entry does not verify; such an
// entry is removed with a warning. The caller closes the Entry.
func (c *Store) Get(key string) (*Entry, error) {
	e, err := c.verify(key)
	if err != nil {
		c.misses.Add(1)
		var d damage
		if errors.As(err, &d) {
			c.log.Warn(fmt.Sprintf("store: removed %v; compiling the program again", d), "key", key)
			c.Remove(key)
		}
		return nil, ErrMiss
	}
	c.hits.Add(1)
	now := time.Now()
	// Recording the use only orders eviction; failing to is harmless.
	_ = os.Chtimes(c.sumPath(key), now, now)
	return e, nil
}

// Has reports whether an entry is stored under key, without verifying it
// (Get does): a cheap test for whether a program needs compiling.
func (c *Store) Has(key string) bool {
	_, err := os.Lstat(c.sumPath(key))
	return err == nil
}

// damage is a verify error that proves the entry bad, as opposed to one
// that only shows it absent or unreadable now. Its text completes
// "removed …".
type damage string

func (d damage) Error() string { return string(d) }

func damaged(format string, args ...any) damage {
	return damage("a damaged entry (" + fmt.Sprintf(format, args...) + ")")
}

// verify checks the entry's code against its recorded size and MAC, on
// the open file it returns.
func (c *Store) verify(key string) (*Entry, error) {
	s, err := c.readSum(key)
	if err != nil {
		return nil, err
	}
	if s.keyID != c.key.id {
		return nil, damage(fmt.Sprintf("an entry made under another store key (key ID %s; this store's key %s has ID %s)", s.keyID, c.key.file, c.key.id))
	}
	f, fi, err := safefs.OpenRegular(c.codePath(key), true)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, damaged("compiled code missing")
	case errors.Is(err, safefs.ErrNotRegular):
		return nil, damaged("compiled code is not a regular file")
	case err != nil:
		return nil, err
	}
	if err := c.checkCode(key, s, f, fi); err != nil {
		f.Close()
		return nil, err
	}
	return &Entry{Kind: s.kind, f: f, path: loadPath(f)}, nil
}

func (c *Store) readSum(key string) (sum, error) {
	b, err := safefs.ReadRegular(c.sumPath(key), maxSumFile, true)
	switch {
	case errors.Is(err, safefs.ErrNotRegular):
		return sum{}, damaged("checksum file is not a regular file")
	case errors.Is(err, safefs.ErrTooLarge):
		return sum{}, damaged("checksum file too large")
	case err != nil:
		return sum{}, err
	}
	s, err := decodeSum(b)
	if err != nil {
		return s, damaged("%v", err)
	}
	return s, nil
}

func (c *Store) checkCode(key string, s sum, f *os.File, fi fs.FileInfo) error {
	if fi.Size() != s.size {
		return damaged("compiled code has %d bytes, want %d", fi.Size(), s.size)
	}
	if c.vouched(key, s, fi) {
		return nil
	}
	start := time.Now()
	h := c.newMAC(key, s.kind, s.size)
	n, err := io.Copy(h, f)
	hashedBytes.Add(n)
	if err != nil {
		return err
	}
	if !hmac.Equal(h.Sum(nil), s.mac) {
		return damaged("its authentication code does not verify: changed by someone without the store key, or damaged")
	}
	c.vouch(key, s, fi, start)
	return nil
}

// Put stores code of the given kind under key. It writes each file to a
// temporary name, syncs it and renames it, so concurrent readers and writers
// (in this process or others) only ever see whole files. An error means the
// entry was not stored; the caller can still run from memory.
func (c *Store) Put(key, kind string, code []byte) error {
	s := c.seal(key, kind, code)
	err := c.writeFile(c.codePath(key), code)
	if err == nil {
		err = c.writeFile(c.sumPath(key), s.encode())
	}
	if err != nil {
		c.writeWarn.Do(func() {
			c.log.Warn(fmt.Sprintf("store: cannot write compiled code; running from memory this time: %v", err))
		})
		return err
	}
	c.puts.Add(1)
	if _, _, err := c.evict(c.max, key); err != nil {
		c.log.Warn(fmt.Sprintf("store: eviction failed: %v", err))
	}
	return nil
}

// tempPrefix starts the names of files being written; Prune removes old ones
// that a crashed writer left behind.
const tempPrefix = ".tmp-"

func (c *Store) writeFile(path string, data []byte) error {
	// The writer's process ID in the name lets Prune tell the files of a
	// writer that died (killed mid-write) from those still being written.
	pattern := fmt.Sprintf("%s%d-*", tempPrefix, os.Getpid())
	return tempfile.Write(c.dir, pattern, data, func(tmp string) error { return os.Rename(tmp, path) })
}

// Remove deletes the entry under key, if any: the checksum first, so that a
// concurrent reader sees a miss rather than code without a checksum.
// Whatever stands under the entry's names goes, directories included.
func (c *Store) Remove(key string) {
	os.RemoveAll(c.sumPath(key))
	os.RemoveAll(c.codePath(key))
	os.RemoveAll(c.seenPath(key))
}
