package source

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/sha256hex"
)

// Usage is what a sources folder ([Fetcher.Dir]) holds: what `wasmtasks
// cache info` reports of it.
type Usage struct {
	// Programs, Downloads and Archives count the entries of each kind:
	// programs/sha256/*.wasm, downloads/sha256/* and archives/sha256/*/.
	Programs, Downloads, Archives int
	// Bytes is the size of everything under Dir: the entries, go/ records
	// and what interrupted writers left behind. Symbolic links count as
	// links, never as what they point to.
	Bytes int64
	// Entries are the programs, downloads and unpacked archives, least
	// recently used first.
	Entries []Entry
}

// Entry is one program (with its stamp), download (with its stamp) or
// unpacked archive of a sources folder: what [Fetcher.Prune] removes
// whole.
type Entry struct {
	// Path is the entry's place under Dir, slash-separated, like
	// programs/sha256/<hex>.wasm or archives/sha256/<hex>.
	Path string
	// Bytes is its size, stamp or folder content included.
	Bytes int64
	// Used is when Fetch or ArchiveDir last served it: the time of a
	// program's or download's stamp (else of the file), of an archive's
	// folder.
	Used time.Time
}

// kinds are the folders of entries, each with the suffix its entries end
// in ("" for any 64-hex name); "/" marks unpacked folders.
var kinds = []struct{ dir, suffix string }{
	{"programs/sha256", ".wasm"},
	{"downloads/sha256", ""},
	{"archives/sha256", "/"},
}

// Usage counts the entries of Dir and their sizes. A missing Dir is empty.
func (f *Fetcher) Usage() (Usage, error) {
	var u Usage
	counts := []*int{&u.Programs, &u.Downloads, &u.Archives}
	for i, k := range kinds {
		entries, err := f.listKind(k.dir, k.suffix)
		if err != nil {
			return u, err
		}
		*counts[i] = len(entries)
		u.Entries = append(u.Entries, entries...)
	}
	sort.SliceStable(u.Entries, func(i, j int) bool { return u.Entries[i].Used.Before(u.Entries[j].Used) })
	var err error
	u.Bytes, err = treeSize(f.Dir)
	return u, err
}

// listKind lists the entries of one folder of entries.
func (f *Fetcher) listKind(dir, suffix string) ([]Entry, error) {
	des, err := os.ReadDir(filepath.Join(f.Dir, filepath.FromSlash(dir)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("source: %w", err)
	}
	var out []Entry
	for _, de := range des {
		if e, ok := f.entry(dir, de, suffix); ok {
			out = append(out, e)
		}
	}
	return out, nil
}

// entry describes de as an entry, if it is one.
func (f *Fetcher) entry(dir string, de fs.DirEntry, suffix string) (Entry, bool) {
	name, isDir := de.Name(), suffix == "/"
	hexsum := strings.TrimSuffix(name, strings.TrimSuffix(suffix, "/"))
	if !sha256hex.Valid(hexsum) || de.IsDir() != isDir {
		return Entry{}, false
	}
	e := Entry{Path: dir + "/" + name}
	p := filepath.Join(f.Dir, filepath.FromSlash(e.Path))
	fi, err := os.Lstat(p)
	if err != nil {
		return Entry{}, false
	}
	e.Used = fi.ModTime()
	if isDir {
		e.Bytes, _ = treeSize(p)
		return e, true
	}
	e.Bytes = fi.Size()
	if st, err := os.Lstat(p + ".stamp"); err == nil {
		e.Bytes += st.Size()
		e.Used = st.ModTime()
	}
	return e, true
}

// treeSize adds up the sizes of everything under root, without following
// symbolic links.
func treeSize(root string) (int64, error) {
	var n int64
	err := filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if fi, err := d.Info(); err == nil && !d.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("source: %w", err)
	}
	return n, nil
}

// touch marks path as used now, for [Fetcher.Prune]; it is cheap (one
// system call) and its failure harmless, so errors are ignored. A
// program's use is recorded on its stamp, not on the program: touching
// the program would change its identity and make the next Fetch hash it
// again.
func touch(path string) {
	now := time.Now()
	_ = os.Chtimes(path, now, now)
}
