package tasks

import (
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/wasmtasks/wasmtasks/internal/tempfile"
)

// skipDirs are never searched for inputs or outputs.
var skipDirs = map[string]bool{".git": true, "node_modules": true, stateDir: true}

// expandGlobs returns the regular files under root that match any of the
// patterns (slash-separated, relative to root, ** for any depth), as sorted
// slash paths.
func expandGlobs(root string, patterns []string) ([]string, error) {
	found := map[string]bool{}
	for _, pat := range patterns {
		base := staticPrefix(pat)
		start := filepath.Join(root, filepath.FromSlash(base))
		err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
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
			if !d.Type().IsRegular() || tempfile.Is(d.Name()) {
				return nil // a temporary output is neither input nor output
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			if matchGlob(pat, rel) {
				found[rel] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	out := make([]string, 0, len(found))
	for f := range found {
		out = append(out, f)
	}
	sort.Strings(out)
	return out, nil
}

// staticPrefix is the folder part of a pattern before its first wildcard,
// where the search can start.
func staticPrefix(pat string) string {
	parts := strings.Split(pat, "/")
	var fixed []string
	for _, p := range parts[:len(parts)-1] {
		if strings.ContainsAny(p, "*?[\\") {
			break
		}
		fixed = append(fixed, p)
	}
	if len(fixed) == len(parts)-1 && !strings.ContainsAny(parts[len(parts)-1], "*?[\\") {
		return path.Dir(pat) // a plain file name
	}
	return path.Join(fixed...)
}

// matchGlob reports whether the slash path name matches pattern, where a
// "**" segment matches any number of folders (including none) and other
// segments match as path.Match does.
func matchGlob(pattern, name string) bool {
	return matchSegments(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			rest := pat[1:]
			for i := 0; i <= len(name); i++ {
				if matchSegments(rest, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}
