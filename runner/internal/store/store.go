// Package store is the on-disk store of compiled WebAssembly code, so that a
// program compiled once starts in milliseconds in every later process.
//
// Each entry is two files in a versioned folder: KEY.cwasm, the compiled
// code exactly as wasmtime serialised it (so wasmtime can map it into memory
// without a copy), and KEY.sum, which records its kind, size, the ID of the
// store key and an HMAC-SHA256 of all of these, the entry's name and the
// code. Both are written to a temporary file, synced and renamed, so no
// reader ever sees half an entry under a real name. The store is bounded:
// Put evicts the least recently used entries when the total passes the cap,
// and Get marks an entry used.
//
// # What the store trusts
//
// Compiled code is native code: loading it runs whatever it says. So Get
// gives out an entry only when its MAC verifies under the store key, checked
// on the very file that is then loaded; anything else (damaged, written by
// someone without the key, made under another key) is removed and compiled
// again. The key is 32 random bytes in a file only its owner can read:
// by default one per user, made on first use in the user config folder
// (wasmtasks/store.key); $WASMTASKS_STORE_KEY_FILE names another, a team key
// that a CI job and developers share so that they accept each other's
// compiled code. Whoever can read the key can forge entries: the store
// trusts exactly the holders of its key. Open refuses a key file or store
// folder that another user could read, write or replace (see [ErrUnsafe]).
//
// The package knows nothing of wasmtime: callers choose keys that cover the
// program bytes and every engine setting that changes generated code.
package store

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

// DefaultMaxBytes is the default cap on the store's size: room for a
// realistic set of tools with an older version of each. Real tools make
// large entries (measured by the bench: Yosys' compiled code is 121 MB,
// yq's 82 MB, gofumpt's 18 MB) and the store keeps the programs sources
// fetched too, so 1 GiB held a handful of tools and evicted them in turn
// once a project had more; 4 GiB holds about thirty entries of that kind.
const DefaultMaxBytes = 4 << 30

// EnvDir names the environment variable that moves the store.
const EnvDir = "WASMTASKS_CACHE_DIR"

// EnvKeyFile names the environment variable that chooses the store's key
// file instead of the user's own: a team key shared by those who trust each
// other's compiled code.
const EnvKeyFile = "WASMTASKS_STORE_KEY_FILE"

// layout is the name of the folder under the store's root that holds the
// entries; it changes whenever the entry format does, so an old wasmtasks
// and a new one never read each other's entries.
const layout = "v2"

// layouts are the names of every layout folder a wasmtasks ever made: the
// only folders Clear removes.
var layouts = []string{"v1", layout}

// markerName is the file that marks a folder as a store's root: Clear
// removes nothing from a folder without it.
const markerName = "WASMTASKS-STORE"

const markerText = "This folder is a store of compiled code kept by wasmtasks.\n" +
	"`wasmtasks cache clear` removes its v1/ and v2/ folders and nothing else.\n"

// ErrMiss is returned by Get when the store has no usable entry for a key.
var ErrMiss = errors.New("store: no entry")

// Store is a store of compiled code in one folder. It is safe for concurrent
// use, also by several processes sharing the folder.
type Store struct {
	root string // the folder the user named
	dir  string // root/layout, where entries live
	max  int64
	log  *slog.Logger
	key  storeKey

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
		return "", fmt.Errorf("store: no user cache folder (set %s): %w", EnvDir, err)
	}
	return filepath.Join(base, "wasmtasks"), nil
}

// Open opens the store in root, creating it (mode 0700) if needed; an
// empty root means DefaultDir. maxBytes caps its size; 0 means
// DefaultMaxBytes. log receives warnings about damaged entries and
// unwritable folders; nil means slog.Default().
//
// Open refuses, with an error matching [ErrUnsafe], a store that another
// user could write into and a key file that another user could read or
// replace; other errors (a folder that cannot be created, no key) leave
// the caller free to run without a store.
func Open(root string, maxBytes int64, log *slog.Logger) (*Store, error) {
	if root == "" {
		d, err := DefaultDir()
		if err != nil {
			return nil, err
		}
		root = d
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	if log == nil {
		log = slog.Default()
	}
	c := &Store{root: root, dir: filepath.Join(root, layout), max: maxBytes, log: log}
	if c.key, err = loadKey(); err != nil {
		return nil, err
	}
	if err := c.prepare(); err != nil {
		return nil, err
	}
	return c, nil
}

// prepare creates the store's folders, refuses them if another user could
// write into them, and marks the root as a store.
func (c *Store) prepare() error {
	if err := checkParents(c.root); err != nil {
		return err
	}
	if err := os.MkdirAll(c.root, 0o700); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if err := checkOwnFolder(c.root, false); err != nil {
		return err
	}
	if err := os.Mkdir(c.dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("store: %w", err)
	}
	if err := checkOwnFolder(c.dir, true); err != nil {
		return err
	}
	marker := filepath.Join(c.root, markerName)
	if _, err := os.Lstat(marker); errors.Is(err, fs.ErrNotExist) {
		// Without the marker Clear refuses the folder; nothing else needs it.
		_ = os.WriteFile(marker, []byte(markerText), 0o600)
	}
	return nil
}

// Dir returns the folder the store was opened in, made absolute.
func (c *Store) Dir() string { return c.root }

// MaxBytes returns the store's size cap.
func (c *Store) MaxBytes() int64 { return c.max }

// Stats counts what this process did with the store.
type Stats struct {
	Hits, Misses, Puts int64
}

// Stats returns the counts of this process's lookups and writes.
func (c *Store) Stats() Stats {
	return Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Puts: c.puts.Load()}
}

func (c *Store) codePath(key string) string { return filepath.Join(c.dir, key+".cwasm") }
func (c *Store) sumPath(key string) string  { return filepath.Join(c.dir, key+".sum") }
