package tasks

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/wasmtasks/wasmtasks/internal/tempfile"
)

// skipDirs are never searched for inputs or outputs.
var skipDirs = map[string]bool{".git": true, "node_modules": true, stateDir: true}

// globVisits counts the folder entries the globs looked at, for tests.
var globVisits atomic.Int64

// expandGlobs returns the regular files and symlinks under root that match
// any of the patterns (slash-separated, relative to root, ** for any
// depth), as sorted slash paths. Symlinks to folders are listed but never
// descended, and no folder is entered through a symlink, so a search stays
// inside root and ends. It also returns what it learnt of the files it
// looked up (patterns without wildcards), so that digesting them does not
// look them up again; a file found by a search has no entry.
func expandGlobs(root string, patterns []string) ([]string, map[string]fs.FileInfo, error) {
	found := map[string]fs.FileInfo{}
	for _, pat := range patterns {
		if err := expandGlob(root, pat, found); err != nil {
			return nil, nil, err
		}
	}
	out := make([]string, 0, len(found))
	for f := range found {
		out = append(out, f)
	}
	sort.Strings(out)
	return out, found, nil
}

// expandGlob adds the matches of one pattern to found: a pattern without
// wildcards is looked up, any other is searched for from its deepest folder
// without wildcards.
func expandGlob(root, pat string, found map[string]fs.FileInfo) error {
	if !hasWildcard(pat) {
		return addLiteral(root, pat, found)
	}
	base := staticPrefix(pat)
	if !realDirs(root, base) {
		return nil
	}
	// The separator makes the walk enter root even when root itself is a
	// symlink; below it nothing is followed.
	start := filepath.Join(root, filepath.FromSlash(base)) + string(filepath.Separator)
	return filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		globVisits.Add(1)
		if err != nil {
			if p == start {
				return nil // nothing there: the pattern matches nothing
			}
			return err
		}
		if d.IsDir() {
			if skipDirs[d.Name()] && p != start {
				return filepath.SkipDir
			}
			return nil
		}
		if !listable(d.Type()) || tempfile.Is(d.Name()) {
			return nil // a temporary output is neither input nor output
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		if rel = filepath.ToSlash(rel); matchGlob(pat, rel) {
			if _, ok := found[rel]; !ok {
				found[rel] = nil
			}
		}
		return nil
	})
}

// addLiteral adds the file a pattern without wildcards names, if it is
// there and reached without following a symlinked folder.
func addLiteral(root, pat string, found map[string]fs.FileInfo) error {
	if !realDirs(root, path.Dir(pat)) {
		return nil
	}
	globVisits.Add(1)
	fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(pat)))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return nil
		}
		return err
	}
	if listable(fi.Mode().Type()) {
		found[pat] = fi
	}
	return nil
}

// listable reports whether a folder entry of this type can be an input or
// output: a regular file or a symlink.
func listable(t fs.FileMode) bool { return t.IsRegular() || t&fs.ModeSymlink != 0 }

// realDirs reports whether every folder on the slash path dir below root is
// a folder and not a symlink to one.
func realDirs(root, dir string) bool {
	if dir == "." || dir == "" {
		return true
	}
	p := root
	for _, part := range strings.Split(dir, "/") {
		p = filepath.Join(p, part)
		fi, err := os.Lstat(p)
		if err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?[\\") }

// staticPrefix is the folder part of a pattern before its first wildcard,
// where the search can start.
func staticPrefix(pat string) string {
	parts := strings.Split(pat, "/")
	var fixed []string
	for _, p := range parts[:len(parts)-1] {
		if hasWildcard(p) {
			break
		}
		fixed = append(fixed, p)
	}
	return path.Join(fixed...)
}

// matchGlob reports whether the slash path name matches pattern, where a
// "**" segment matches any number of folders (including none) and other
// segments match as path.Match does.
func matchGlob(pattern, name string) bool {
	return matchSegments(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

// matchSegments matches by dynamic programming over (pattern segment, name
// segment), in time proportional to their product: trying every split of
// the name at every "**" takes exponential time.
func matchSegments(pat, name []string) bool {
	// next[j] reports whether pat[i+1:] matches name[j:].
	next := make([]bool, len(name)+1)
	cur := make([]bool, len(name)+1)
	next[len(name)] = true
	for i := len(pat) - 1; i >= 0; i-- {
		if pat[i] == "**" {
			cur[len(name)] = next[len(name)]
			for j := len(name) - 1; j >= 0; j-- {
				cur[j] = next[j] || cur[j+1]
			}
		} else {
			cur[len(name)] = false
			for j := len(name) - 1; j >= 0; j-- {
				cur[j] = false
				if next[j+1] {
					cur[j], _ = path.Match(pat[i], name[j])
				}
			}
		}
		cur, next = next, cur
	}
	return next[0]
}
