// Package cache is the on-disk store of compiled WebAssembly code, so that a
// program compiled once starts in milliseconds in every later process.
//
// Each entry is two files in a versioned folder: KEY.cwasm, the compiled
// code exactly as wasmtime serialised it (so wasmtime can map it into memory
// without a copy), and KEY.sum, which records its kind, size and CRC-32C.
// Both are written to a temporary file, synced and renamed, so no reader ever
// sees half an entry under a real name. Every Get verifies the checksum
// before it hands the path to wasmtime, because loading damaged compiled
// code is undefined behaviour; a damaged entry is removed and reported as a
// miss. The store is bounded: Put evicts the least recently used entries
// when the total passes the cap, and Get marks an entry used.
//
// The package knows nothing of wasmtime: callers choose keys that cover the
// program bytes and every engine setting that changes generated code.
package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// DefaultMaxBytes is the default cap on the store's size.
const DefaultMaxBytes = 1 << 30

// EnvDir names the environment variable that moves the store.
const EnvDir = "WASMTASKS_CACHE_DIR"

// layout is the name of the folder under the store's root that holds the
// entries; it changes whenever the entry format does, so an old wasmtasks
// and a new one never read each other's entries.
const layout = "v1"

// ErrMiss is returned by Get when the store has no usable entry for a key.
var ErrMiss = errors.New("cache: no entry")

// Cache is a store of compiled code in one folder. It is safe for concurrent
// use, also by several processes sharing the folder.
type Cache struct {
	root string // the folder the user named
	dir  string // root/layout, where entries live
	max  int64
	log  *slog.Logger

	hits, misses, puts atomic.Int64
	writeWarn          sync.Once
}

// DefaultDir returns $WASMTASKS_CACHE_DIR, else the user cache folder's
// wasmtasks folder.
func DefaultDir() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		return d, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cache: no cache folder (set %s): %w", EnvDir, err)
	}
	return filepath.Join(base, "wasmtasks"), nil
}

// Open opens the store in root, creating it (mode 0700) if needed; an
// empty root means DefaultDir. maxBytes caps its size; 0 means
// DefaultMaxBytes. log receives warnings about damaged entries and
// unwritable folders; nil means slog.Default().
func Open(root string, maxBytes int64, log *slog.Logger) (*Cache, error) {
	if root == "" {
		d, err := DefaultDir()
		if err != nil {
			return nil, err
		}
		root = d
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if log == nil {
		log = slog.Default()
	}
	c := &Cache{root: root, dir: filepath.Join(root, layout), max: maxBytes, log: log}
	if err := os.MkdirAll(c.dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("cache: %w", err)
	}
	return c, nil
}

// Dir returns the folder the store was opened in.
func (c *Cache) Dir() string { return c.root }

// MaxBytes returns the store's size cap.
func (c *Cache) MaxBytes() int64 { return c.max }

// Stats counts what this process did with the store.
type Stats struct {
	Hits, Misses, Puts int64
}

// Stats returns the counts of this process's lookups and writes.
func (c *Cache) Stats() Stats {
	return Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Puts: c.puts.Load()}
}

func (c *Cache) codePath(key string) string { return filepath.Join(c.dir, key+".cwasm") }
func (c *Cache) sumPath(key string) string  { return filepath.Join(c.dir, key+".sum") }
