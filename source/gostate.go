package source

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/wasmtasks/wasmtasks/internal/filestamp"
)

// goState records what a local package was built from, so that a later
// Fetch can tell, with a few stats and folder reads and without the go
// command, that a build would give the same program.
type goState struct {
	Go, SHA256 string
	// Files are the files the build read, and files whose appearance would
	// change it (a go.work, a go.mod that would split the module).
	Files []fileID
	// Dirs are the package folders: a new or removed file in one (a new
	// .go file) changes the build.
	Dirs []dirID
}

// fileID identifies one version of a file: by its stamp, or when that has
// changed, by its content.
type fileID struct {
	Path   string
	Stamp  filestamp.Stamp `json:",omitzero"`
	SHA256 string          `json:",omitempty"`
	Absent bool            `json:",omitempty"`
}

// dirID identifies the listing of a folder by a digest of its names.
type dirID struct {
	Path, Names string
}

// fresh reports whether every recorded file and folder is as it was.
func (s *goState) fresh() bool {
	if len(s.Files) == 0 {
		return false
	}
	for _, fid := range s.Files {
		if !fid.holds() {
			return false
		}
	}
	for _, d := range s.Dirs {
		if names, err := listing(d.Path); err != nil || names != d.Names {
			return false
		}
	}
	return true
}

// unchanged reports, after a build, whether nothing changed while it ran:
// only then may the record be kept.
func (s *goState) unchanged() bool { return s.fresh() }

func (fid fileID) holds() bool {
	fi, err := os.Stat(fid.Path)
	if fid.Absent {
		return errors.Is(err, fs.ErrNotExist)
	}
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	if st := filestamp.Of(fi); st.Reliable() && st == fid.Stamp {
		return true
	}
	sum, err := hashFile(fid.Path)
	return err == nil && sum == fid.SHA256
}

// listing returns a digest of the names in folder dir.
func listing(dir string) (string, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, de := range des {
		h.Write([]byte(de.Name() + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// recorder collects a goState without duplicates.
type recorder struct {
	st   goState
	seen map[string]bool
}

// recordState records every file of every package in pkgs that is part of
// the project (not the standard library, not in the module cache, whose
// content go.sum fixes), the module and workspace files, and the files
// whose appearance would change which module dir belongs to.
func recordState(ge goEnv, pkgs []listedPackage, dir string) (goState, error) {
	r := &recorder{seen: map[string]bool{}}
	var root string
	for _, p := range pkgs {
		if p.Standard || within(p.Dir, ge.GOMODCACHE) || within(p.Dir, ge.GOROOT) {
			continue
		}
		if err := r.pkg(p); err != nil {
			return goState{}, err
		}
		if !p.DepOnly && p.Module != nil {
			root = p.Module.Dir
		}
	}
	r.workspace(ge, dir, root)
	return r.st, nil
}

func (r *recorder) pkg(p listedPackage) error {
	if err := r.dir(p.Dir); err != nil {
		return err
	}
	for _, e := range p.EmbedFiles {
		file := filepath.Join(p.Dir, filepath.FromSlash(e))
		if err := r.dir(filepath.Dir(file)); err != nil {
			return err
		}
	}
	if p.Module == nil || p.Module.GoMod == "" {
		return nil
	}
	r.maybe(p.Module.GoMod)
	r.maybe(filepath.Join(p.Module.Dir, "go.sum"))
	r.maybe(filepath.Join(p.Module.Dir, "vendor", "modules.txt"))
	for d := filepath.Dir(p.Dir); within(d, p.Module.Dir) && d != p.Module.Dir; d = filepath.Dir(d) {
		r.maybe(filepath.Join(d, "go.mod"))
	}
	return nil
}

// dir records the listing of folder d and every file in it.
func (r *recorder) dir(d string) error {
	if r.seen[d] {
		return nil
	}
	r.seen[d] = true
	names, err := listing(d)
	if err != nil {
		return err
	}
	r.st.Dirs = append(r.st.Dirs, dirID{Path: d, Names: names})
	des, err := os.ReadDir(d)
	if err != nil {
		return err
	}
	for _, de := range des {
		if de.Type().IsRegular() {
			r.maybe(filepath.Join(d, de.Name()))
		}
	}
	return nil
}

// maybe records the file at path, or that it is absent.
func (r *recorder) maybe(path string) {
	if r.seen[path] {
		return
	}
	r.seen[path] = true
	fi, err := os.Stat(path)
	if err != nil {
		r.st.Files = append(r.st.Files, fileID{Path: path, Absent: true})
		return
	}
	sum, _ := hashFile(path)
	r.st.Files = append(r.st.Files, fileID{Path: path, Stamp: filestamp.Of(fi), SHA256: sum})
}

// workspace records the go.work in use, or that none is in any folder
// from dir up; and that no go.mod appears between dir and the module root.
func (r *recorder) workspace(ge goEnv, dir, root string) {
	switch ge.GOWORK {
	case "off":
	case "":
		for d := dir; ; d = filepath.Dir(d) {
			r.maybe(filepath.Join(d, "go.work"))
			if filepath.Dir(d) == d {
				break
			}
		}
	default:
		r.maybe(ge.GOWORK)
		r.maybe(ge.GOWORK + ".sum")
	}
	for d := dir; root != "" && within(d, root) && d != root; d = filepath.Dir(d) {
		r.maybe(filepath.Join(d, "go.mod"))
	}
}

// within reports whether path is dir or inside it.
func within(path, dir string) bool {
	if dir == "" {
		return false
	}
	return path == dir || strings.HasPrefix(path, dir+string(filepath.Separator))
}
