package cache

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const sumMagic = "wasmtasks compiled code"

// sum is the content of an entry's .sum file.
type sum struct {
	kind string
	size int64
	crc  uint32
}

func (s sum) encode() []byte {
	return fmt.Appendf(nil, "%s\nkind %s\nsize %d\ncrc32c %08x\n", sumMagic, s.kind, s.size, s.crc)
}

func decodeSum(b []byte) (sum, error) {
	var s sum
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 4 || lines[0] != sumMagic {
		return s, errors.New("unrecognised checksum file")
	}
	var crc string
	for _, l := range lines[1:] {
		name, value, _ := strings.Cut(l, " ")
		switch name {
		case "kind":
			s.kind = value
		case "size":
			s.size, _ = strconv.ParseInt(value, 10, 64)
		case "crc32c":
			crc = value
		}
	}
	v, err := strconv.ParseUint(crc, 16, 32)
	if err != nil || s.kind == "" || s.size <= 0 {
		return s, errors.New("unrecognised checksum file")
	}
	s.crc = uint32(v)
	return s, nil
}

// Get returns the path of the verified compiled code stored under key and
// its kind, as given to Put. It returns ErrMiss when there is no entry or the
// entry was damaged; a damaged entry is removed with a warning.
func (c *Cache) Get(key string) (path, kind string, err error) {
	s, err := c.verify(key)
	if err != nil {
		c.misses.Add(1)
		var d damage
		if errors.As(err, &d) {
			c.log.Warn(fmt.Sprintf("store: removed a damaged entry (%v); compiling the program again", err), "key", key)
			c.Remove(key)
		}
		return "", "", ErrMiss
	}
	c.hits.Add(1)
	now := time.Now()
	// Recording the use only orders eviction; failing to is harmless.
	_ = os.Chtimes(c.sumPath(key), now, now)
	return c.codePath(key), s.kind, nil
}

// damage is a verify error that proves the entry bad, as opposed to one
// that only shows it absent or unreadable now.
type damage string

func (d damage) Error() string { return string(d) }

// verify checks the entry's code against its recorded size and checksum.
func (c *Cache) verify(key string) (sum, error) {
	b, err := os.ReadFile(c.sumPath(key))
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && errors.Is(pe.Err, syscall.EISDIR) {
			return sum{}, damage("checksum file is a directory")
		}
		return sum{}, err
	}
	s, err := decodeSum(b)
	if err != nil {
		return s, damage(err.Error())
	}
	f, err := os.Open(c.codePath(key))
	if errors.Is(err, fs.ErrNotExist) {
		return s, damage("compiled code missing")
	}
	if err != nil {
		return s, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return s, err
	}
	if !fi.Mode().IsRegular() {
		return s, damage("compiled code is not a regular file")
	}
	if fi.Size() != s.size {
		return s, damage(fmt.Sprintf("compiled code has %d bytes, want %d", fi.Size(), s.size))
	}
	h := crc32.New(castagnoli)
	if _, err := io.Copy(h, f); err != nil {
		return s, err
	}
	if h.Sum32() != s.crc {
		return s, damage("checksum mismatch")
	}
	return s, nil
}

// Put stores code of the given kind under key. It writes each file to a
// temporary name, syncs it and renames it, so concurrent readers and writers
// (in this process or others) only ever see whole files. An error means the
// entry was not stored; the caller can still run from memory.
func (c *Cache) Put(key, kind string, code []byte) error {
	s := sum{kind: kind, size: int64(len(code)), crc: crc32.Checksum(code, castagnoli)}
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

func (c *Cache) writeFile(path string, data []byte) error {
	// The writer's process ID in the name lets Prune tell the files of a
	// writer that died (killed mid-write) from those still being written.
	f, err := os.CreateTemp(c.dir, fmt.Sprintf("%s%d-*", tempPrefix, os.Getpid()))
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = io.Copy(f, bytes.NewReader(data))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// Remove deletes the entry under key, if any: the checksum first, so that a
// concurrent reader sees a miss rather than code without a checksum.
// Whatever stands under the entry's names goes, directories included.
func (c *Cache) Remove(key string) {
	os.RemoveAll(c.sumPath(key))
	os.RemoveAll(c.codePath(key))
}
