package store

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
)

// CheckWritable returns an error matching [ErrUnsafe] when a program that
// may write path — a folder it gets read-write, or a file its output goes
// to — could write into the store in storeDir or replace the store key in
// keyFile ("" when unknown): path contains the store, lies inside it, or
// contains the key. Paths are compared after resolving symbolic links, so
// another spelling of the same folder cannot dodge the check.
func CheckWritable(path, storeDir, keyFile string) error {
	return new(Paths).CheckWritable(path, storeDir, keyFile)
}

// resolved counts the paths realPath resolved, for tests.
var resolved atomic.Int64

// Paths resolves the paths of a batch of checks, each path once: checking
// the outputs of 50,000 tasks resolved the store, the key and the task
// file again for each of them (issue 15). The zero value is ready to use;
// use one for one pass of checks, as the file system may change later.
type Paths struct {
	real map[string]string
	// A folder whose entries are asked about often is listed once
	// (listAfter): links holds the names of its symlinks, asked counts the
	// lookups of folders not listed yet.
	links map[string]map[string]bool
	asked map[string]int
}

// listAfter is how many entries of one folder are looked up one by one
// before the folder is listed instead: one read of a folder of 5,000
// outputs costs less than 5,000 lstats, and a folder of which few entries
// are asked about is not read whole.
const listAfter = 32

// realPath returns path made absolute with every symbolic link resolved;
// for a path that does not exist (yet), that of its longest existing
// parent, with the rest appended.
func (ps *Paths) realPath(path string) string {
	if r, ok := ps.real[path]; ok {
		return r
	}
	resolved.Add(1)
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	return ps.resolve(abs)
}

// resolve is realPath of a clean absolute path, through the resolved
// parent: 5,000 output files in one folder cost one lstat each, not a
// walk of every component of every path.
func (ps *Paths) resolve(abs string) string {
	if r, ok := ps.real[abs]; ok {
		return r
	}
	if ps.real == nil {
		ps.real = map[string]string{}
	}
	r := abs
	if parent := filepath.Dir(abs); parent != abs {
		rp, name := ps.resolve(parent), filepath.Base(abs)
		r = filepath.Join(rp, name)
		if ps.isLink(rp, name) {
			// A dangling link stays as it is, as the walk up to the
			// longest existing parent would leave it.
			if t, err := filepath.EvalSymlinks(r); err == nil {
				r = t
			}
		}
	}
	ps.real[abs] = r
	return r
}

// isLink reports whether the entry name of the real folder dir is a
// symlink.
func (ps *Paths) isLink(dir, name string) bool {
	if links, ok := ps.links[dir]; ok {
		return links[name]
	}
	if ps.asked == nil {
		ps.asked, ps.links = map[string]int{}, map[string]map[string]bool{}
	}
	if ps.asked[dir]++; ps.asked[dir] >= listAfter {
		if links, ok := listLinks(dir); ok {
			ps.links[dir] = links
			delete(ps.asked, dir)
			return links[name]
		}
	}
	fi, err := os.Lstat(filepath.Join(dir, name))
	return err == nil && fi.Mode()&fs.ModeSymlink != 0
}

// listLinks returns the names of the symlinks in the folder dir, or false
// when it cannot be read.
func listLinks(dir string) (map[string]bool, bool) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, false
	}
	links := map[string]bool{}
	for _, e := range entries {
		if e.Type()&fs.ModeSymlink != 0 {
			links[e.Name()] = true
		}
	}
	return links, true
}

// CheckWritable is [CheckWritable] with the paths resolved through ps.
func (ps *Paths) CheckWritable(path, storeDir, keyFile string) error {
	realPath := ps.realPath
	p, s := realPath(path), realPath(storeDir)
	switch {
	case within(s, p):
		return unsafef("%s holds the store of compiled code %s, so a program could plant code that later runs as you; mount it read-only, or move the store out of it (cache_dir, --cache-dir or $%s)", path, storeDir, EnvDir)
	case within(p, s):
		return unsafef("%s is inside the store of compiled code %s, so a program could plant code that later runs as you; use a folder or file outside the store", path, storeDir)
	case keyFile != "" && within(realPath(keyFile), p):
		return unsafef("%s holds the store key %s, so a program could replace it; use a path that does not hold the key, or keep the key elsewhere ($%s)", path, keyFile, EnvKeyFile)
	}
	return nil
}

// CheckReadable returns an error wrapping [ErrUnsafe] when a program that
// may read path could read the store key: whoever holds the key can forge
// entries that the store then loads as native code, so a guest must not
// learn it, even through a read-only folder.
func CheckReadable(path, keyFile string) error {
	return new(Paths).CheckReadable(path, keyFile)
}

// CheckReadable is [CheckReadable] with the paths resolved through ps.
func (ps *Paths) CheckReadable(path, keyFile string) error {
	realPath := ps.realPath
	if keyFile != "" && within(realPath(keyFile), realPath(path)) {
		return unsafef("%s holds the store key %s, so a program could read it and forge compiled code; use a path that does not hold the key, or keep the key elsewhere ($%s)", path, keyFile, EnvKeyFile)
	}
	return nil
}

// CheckHolds returns an error matching [ErrUnsafe] when a guest that may
// write path could replace file, which what names in the message: path
// is file or a folder that holds it. Paths are compared as CheckWritable
// compares them.
func CheckHolds(path, file, what string) error {
	return new(Paths).CheckHolds(path, file, what)
}

// CheckHolds is [CheckHolds] with the paths resolved through ps.
func (ps *Paths) CheckHolds(path, file, what string) error {
	realPath := ps.realPath
	if within(realPath(file), realPath(path)) {
		return unsafef("%s holds %s %s, so a program could rewrite it; mount it read-only, or use a folder or file that does not hold it", path, what, file)
	}
	return nil
}

// within reports whether path is dir or lies inside it; both are clean, as
// realPath returns them. It compares absolute paths as strings, as
// filepath.Rel would but without its allocations (a check of 5,000 outputs
// compares 15,000 pairs), except on Windows, where names differ in case and
// Rel knows it. On macOS it ignores case too: its file systems do by
// default, and resolving symlinks does not make two spellings of one folder
// agree, so a store check that heeded case could be dodged by writing
// ~/Library/Caches/WASMTASKS. Ignoring case can only refuse more.
func within(path, dir string) bool { return withinFold(path, dir, runtime.GOOS == "darwin") }

// withinFold is within, ignoring case when fold is set.
func withinFold(path, dir string, fold bool) bool {
	if runtime.GOOS == "windows" || !filepath.IsAbs(path) || !filepath.IsAbs(dir) {
		// Relative paths (realPath's when the working folder is gone)
		// can climb with "..", which a prefix does not see.
		rel, err := filepath.Rel(dir, path)
		return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
	}
	if fold && len(path) >= len(dir) && strings.EqualFold(path[:len(dir)], dir) {
		path = dir + path[len(dir):]
	}
	rest, ok := strings.CutPrefix(path, dir)
	return ok && (rest == "" || rest[0] == filepath.Separator || strings.HasSuffix(dir, string(filepath.Separator)))
}
