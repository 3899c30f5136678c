package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/tempfile"
)

// Usage counts the store's entries and the bytes they take.
func (c *Store) Usage() (entries int, bytes int64, err error) {
	list, err := c.list()
	for _, e := range list {
		bytes += e.bytes
	}
	return len(list), bytes, err
}

type listed struct {
	key   string
	bytes int64
	used  time.Time
}

// list returns the entries, least recently used first.
func (c *Store) list() ([]listed, error) {
	des, err := os.ReadDir(c.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []listed
	for _, de := range des {
		key, ok := strings.CutSuffix(de.Name(), ".sum")
		if !ok || strings.HasPrefix(key, ".") {
			continue
		}
		sumInfo, err1 := de.Info()
		codeInfo, err2 := os.Stat(c.codePath(key))
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, listed{key: key, bytes: sumInfo.Size() + codeInfo.Size(), used: sumInfo.ModTime()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].used.Before(out[j].used) })
	return out, nil
}

// Prune shrinks the store to its cap, evicting the least recently used
// entries first, and removes what crashed writers left behind: temporary
// files and code without a checksum file, once they are an hour old. It
// also forgets the program records (programs.go) made more than
// programRecordAge ago; a program still in use is recorded again.
func (c *Store) Prune() (removed int, freed int64, err error) {
	removed, freed, err = c.evict(c.max, "")
	n, b := c.removeStrays(time.Hour)
	n2, b2 := c.removePrograms(programRecordAge)
	return removed + n + n2, freed + b + b2, err
}

// programRecordAge is how long Prune keeps a program record.
const programRecordAge = 30 * 24 * time.Hour

// evict removes least recently used entries until the store is within max
// bytes, never removing keep (the entry just written).
func (c *Store) evict(max int64, keep string) (removed int, freed int64, err error) {
	entries, err := c.list()
	if err != nil {
		return 0, 0, err
	}
	var total int64
	for _, e := range entries {
		total += e.bytes
	}
	for _, e := range entries {
		if total <= max {
			break
		}
		if e.key == keep {
			continue
		}
		c.Remove(e.key)
		total -= e.bytes
		removed++
		freed += e.bytes
	}
	return removed, freed, nil
}

func (c *Store) removeStrays(minAge time.Duration) (removed int, freed int64) {
	des, _ := os.ReadDir(c.dir)
	for _, de := range des {
		name := de.Name()
		info, err := de.Info()
		if err != nil || (time.Since(info.ModTime()) < minAge && !writerDead(name)) {
			continue
		}
		stray := strings.HasPrefix(name, tempPrefix)
		key, ok := strings.CutSuffix(name, ".cwasm")
		if !ok {
			key, ok = strings.CutSuffix(name, ".seen")
		}
		if ok {
			_, err := os.Stat(c.sumPath(key))
			stray = errors.Is(err, fs.ErrNotExist)
		}
		if stray && os.RemoveAll(filepath.Join(c.dir, name)) == nil {
			removed++
			freed += info.Size()
		}
	}
	return removed, freed
}

// writerDead reports whether name is a temporary file whose writing
// process no longer exists.
func writerDead(name string) bool {
	rest, ok := strings.CutPrefix(name, tempPrefix)
	if !ok {
		return false
	}
	pidText, _, _ := strings.Cut(rest, "-")
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 {
		return false
	}
	return tempfile.ProcessGone(pid)
}

// Clear removes every entry of the store, and the folders of older store
// layouts: only folders named as wasmtasks names them, and only in a folder
// marked as a store, so a store kept in a project folder (cache_dir: .)
// never takes the project's vendor/ or venv/ with it.
func (c *Store) Clear() error {
	if _, err := os.Lstat(filepath.Join(c.root, markerName)); err != nil {
		return fmt.Errorf("store: %s has no %s file, so it may not be a store of wasmtasks and nothing was removed; delete its %s folders yourself if they are: %w",
			c.root, markerName, strings.Join(layouts, " and "), err)
	}
	for _, name := range layouts {
		if err := os.RemoveAll(filepath.Join(c.root, name)); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	if err := os.Mkdir(c.dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}
