package runner

import (
	"cmp"
	"fmt"
	"log/slog"
	"slices"

	"github.com/wasmtasks/wasmtasks/internal/bytesize"
	"github.com/wasmtasks/wasmtasks/runner/internal/store"
)

// ErrUnsafeStore is matched (errors.Is) by the error of [NewEngine] and
// [OpenStore] when another user could write code into the store of compiled
// code, or read or replace its key, and by the error of [CheckWritable]. It
// is a refusal, not a failure to work around: the error says what to
// change, and reports exit status 2.
var ErrUnsafeStore = store.ErrUnsafe

// DefaultStoreMaxBytes is the cap on the store's size when none is given.
const DefaultStoreMaxBytes = store.DefaultMaxBytes

// Store is the on-disk store of compiled code that an [Engine] keeps so
// that a program compiled once starts in milliseconds in every later
// process. Open one with [OpenStore] to look at it or shrink it; an engine
// opens its own.
type Store struct{ s *store.Store }

// OpenStore opens the store in dir, creating it (mode 0700) if needed; an
// empty dir means [DefaultStoreDir]. maxBytes caps its size; 0 means
// [DefaultStoreMaxBytes]. log receives warnings; nil means slog.Default().
// A store that another user could write into is refused with an error
// matching [ErrUnsafeStore].
func OpenStore(dir string, maxBytes int64, log *slog.Logger) (*Store, error) {
	s, err := store.Open(dir, maxBytes, log)
	if err != nil {
		return nil, err
	}
	return &Store{s: s}, nil
}

// DefaultStoreDir is where the store lives when nothing else names a
// folder: $WASMTASKS_CACHE_DIR, else the user cache folder's wasmtasks
// folder.
func DefaultStoreDir() (string, error) { return store.DefaultDir() }

// Dir returns the store's folder, made absolute.
func (s *Store) Dir() string { return s.s.Dir() }

// StoreInfo describes a store: what `wasmtasks cache info` prints.
type StoreInfo struct {
	Dir      string
	Entries  int
	Bytes    int64
	MaxBytes int64
	// Largest are the biggest entries, biggest first (at most five).
	Largest []StoreEntry
	// Programs maps the hex SHA-256 of program files to how the store's
	// records call them (see [Cmd.Name]): for naming other entries that
	// hold a program, such as sources.
	Programs map[string]string
}

// StoreEntry is one entry of the store of compiled code.
type StoreEntry struct {
	// Path is where its code lies, relative to the store's folder and
	// slash-separated.
	Path  string
	Bytes int64
	// Program is what the store's authenticated records call the program
	// whose code it is (see [Cmd.Name]); empty when no record says.
	Program string
}

// String shows the information as `wasmtasks cache info` prints it.
func (i StoreInfo) String() string {
	return fmt.Sprintf("folder:   %s\nentries:  %d\nsize:     %s of %s\n",
		i.Dir, i.Entries, bytesize.Format(i.Bytes), bytesize.Format(i.MaxBytes))
}

// Info counts the store's entries and their size.
func (s *Store) Info() (StoreInfo, error) {
	entries, err := s.s.Entries()
	info := StoreInfo{Dir: s.s.Dir(), Entries: len(entries), MaxBytes: s.s.MaxBytes()}
	for _, e := range entries {
		info.Bytes += e.Bytes
	}
	slices.SortStableFunc(entries, func(a, b store.Listed) int { return cmp.Compare(b.Bytes, a.Bytes) })
	byKey, byDigest := s.s.ProgramNames()
	info.Programs = byDigest
	for _, e := range entries[:min(len(entries), 5)] {
		info.Largest = append(info.Largest, StoreEntry{Path: store.Layout() + "/" + e.Name + ".cwasm", Bytes: e.Bytes, Program: byKey[e.Name]})
	}
	return info, err
}

// Prune shrinks the store to its cap, least recently used entries first,
// and removes what interrupted writers left behind. It returns how many
// files it removed and how many bytes that freed.
func (s *Store) Prune() (removed int, freed int64, err error) { return s.s.Prune() }

// Clear removes every entry of the store, and nothing else: only in a
// folder that wasmtasks marked as a store.
func (s *Store) Clear() error { return s.s.Clear() }

// CheckWritable returns an error matching [ErrUnsafeStore] when a guest
// that may write path — a folder it gets read-write, or a file its output
// goes to — could write into the store in storeDir or replace the store
// key in effect: code planted there would run as the user in every later
// process. Run applies it to every read-write Dir of a [Cmd], with the
// engine's store; callers that open files for guests apply it too.
func CheckWritable(path, storeDir string) error {
	key, _ := store.KeyFile()
	return store.CheckWritable(path, storeDir, key)
}

// CheckReadable refuses a path a program may read (a read-only folder)
// when it holds the store key, with an error matching [ErrUnsafeStore].
func CheckReadable(path string) error {
	key, _ := store.KeyFile()
	return store.CheckReadable(path, key)
}

// CheckHolds returns an error matching [ErrUnsafeStore] when a guest that
// may write path — a folder it gets read-write, or a file its output goes
// to — could rewrite file (named by what in the message): path is the file
// or a folder that holds it, symbolic links resolved. Callers protect the
// files that decide what runs later, like the task file and its lock.
func CheckHolds(path, file, what string) error { return store.CheckHolds(path, file, what) }

// StoreDir returns the folder of the engine's store of compiled code, or ""
// when it has none (Options.NoStore, or a folder it could not open).
func (e *Engine) StoreDir() string {
	if e.store == nil {
		return ""
	}
	return e.store.Dir()
}

// StoreChecker runs [CheckWritable], [CheckReadable] and [CheckHolds] over
// many paths at once, resolving each path (the store, its key, the task
// file) once instead of once per check: for checking every output of a
// large task file. Use a new one for each pass of checks. The zero value
// is ready to use.
type StoreChecker struct {
	paths store.Paths
	key   string
	keyOK bool
}

func (c *StoreChecker) keyFile() string {
	if !c.keyOK {
		c.key, _ = store.KeyFile()
		c.keyOK = true
	}
	return c.key
}

// CheckWritable is [CheckWritable] within the pass.
func (c *StoreChecker) CheckWritable(path, storeDir string) error {
	return c.paths.CheckWritable(path, storeDir, c.keyFile())
}

// CheckReadable is [CheckReadable] within the pass.
func (c *StoreChecker) CheckReadable(path string) error {
	return c.paths.CheckReadable(path, c.keyFile())
}

// CheckHolds is [CheckHolds] within the pass.
func (c *StoreChecker) CheckHolds(path, file, what string) error {
	return c.paths.CheckHolds(path, file, what)
}
