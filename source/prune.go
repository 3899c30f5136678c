package source

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/wasmtasks/wasmtasks/internal/tempfile"
)

// Prune removes entries of Dir, least recently used first, until Dir takes
// at most maxBytes, and removes what interrupted writers left behind
// (temporary files whose writer no longer runs, stamps whose file is
// gone). It returns how many entries and leftovers it removed and how many
// bytes that freed.
//
// An entry is never left half removed under its real name: a program's or
// download's stamp goes first (a file without a stamp is merely hashed
// again), and an unpacked archive is renamed to a temporary name before
// it is deleted. go/ records stay: one whose program is gone is harmless,
// as the next Fetch builds the program again. Another process may be
// using an entry that Prune removes (a program it just verified, a folder
// it mounted); its run then fails or sees the folder vanish, and the next
// run fetches the entry again.
func (f *Fetcher) Prune(maxBytes int64) (removed int, freed int64, err error) {
	removed, freed = f.sweep()
	u, err := f.Usage()
	if err != nil {
		return removed, freed, err
	}
	total := u.Bytes
	for _, e := range u.Entries {
		if total <= maxBytes {
			break
		}
		if err := f.remove(e); err != nil {
			return removed, freed, err
		}
		total -= e.Bytes
		removed++
		freed += e.Bytes
	}
	return removed, freed, nil
}

// remove deletes one entry whole.
func (f *Fetcher) remove(e Entry) error {
	p := filepath.Join(f.Dir, filepath.FromSlash(e.Path))
	if strings.HasPrefix(e.Path, "archives/") {
		tmp := filepath.Join(filepath.Dir(p), tempfile.Name(filepath.Base(p)))
		if err := os.Rename(p, tmp); err != nil {
			return ignoreGone(err)
		}
		return ignoreGone(os.RemoveAll(tmp))
	}
	if err := os.Remove(p + ".stamp"); ignoreGone(err) != nil {
		return err
	}
	return ignoreGone(os.Remove(p))
}

func ignoreGone(err error) error {
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return fmt.Errorf("source: %w", err)
}

// sweep removes abandoned temporaries and orphaned stamps from the folders
// of entries.
func (f *Fetcher) sweep() (removed int, freed int64) {
	for _, k := range kinds {
		dir := filepath.Join(f.Dir, filepath.FromSlash(k.dir))
		des, _ := os.ReadDir(dir)
		for _, de := range des {
			p := filepath.Join(dir, de.Name())
			if !f.leftover(p, de.Name()) {
				continue
			}
			n, _ := treeSize(p)
			if os.RemoveAll(p) == nil {
				removed++
				freed += n
			}
		}
	}
	return removed, freed
}

// leftover reports whether the file p (named name) is a temporary whose
// writer is gone or a stamp without its file.
func (f *Fetcher) leftover(p, name string) bool {
	if tempfile.Abandoned(name) {
		return true
	}
	file, ok := strings.CutSuffix(p, ".stamp")
	if !ok || tempfile.Is(name) {
		return false
	}
	_, err := os.Lstat(file)
	return errors.Is(err, fs.ErrNotExist)
}

// Clear removes every entry of Dir and the go/ records: the folders
// programs, downloads, archives and go, and nothing else. A Fetch running
// at the same time in another process may fail; run it again.
func (f *Fetcher) Clear() error {
	for _, name := range []string{"programs", "downloads", "archives", "go"} {
		if err := os.RemoveAll(filepath.Join(f.Dir, name)); err != nil {
			return fmt.Errorf("source: clear %s: %w", f.Dir, err)
		}
	}
	return nil
}
