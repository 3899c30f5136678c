package tasks

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/wasmtasks/wasmtasks/internal/safefs"
	"github.com/wasmtasks/wasmtasks/internal/tempfile"
)

// mountRoot is a host folder a task mounts, walked once however many of
// its dirs name it.
type mountRoot struct {
	host string // clean absolute path
	name string // its name in digests: "dir" and the index of its first dir
	rw   bool   // the task can write in it, through it or a folder around it
	key  string // the index's key of the folder (see fileKey), set by the walk
}

// mountRoots lists the folders whose content the task can see. Archive
// folders are left out: their content is pinned by the archive's digest,
// which the settings carry.
func (s *spec) mountRoots() []mountRoot {
	var roots []mountRoot
	byHost := map[string]int{}
	for i, d := range s.settings.Dirs {
		if d.Archive.Name != "" {
			continue
		}
		host := filepath.Clean(s.dirs[i].Host)
		if j, ok := byHost[host]; ok {
			roots[j].rw = roots[j].rw || !d.ReadOnly
			continue
		}
		byHost[host] = len(roots)
		roots = append(roots, mountRoot{host: host, name: fmt.Sprintf("dir%d", i), rw: !d.ReadOnly})
	}
	for i := range roots {
		for _, o := range roots {
			if o.rw && strictlyInside(roots[i].host, o.host) {
				roots[i].rw = true
			}
		}
	}
	return roots
}

// strictlyInside reports whether the clean path p lies below dir.
func strictlyInside(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != "." && filepath.IsLocal(rel)
}

// treeWalk digests the folders a task mounts. Each file is digested under
// the root that owns it: a folder mounted inside another is walked on its
// own, so that a file is on the read-write side whenever the task can
// write it. Nothing is followed through a symlink: a symlink counts by its
// link text (the guest cannot leave its folders through one), and files
// are opened inside the folder's [os.Root].
type treeWalk struct {
	d     *digester
	guard *safefs.Guard
	proj  string // the project folder, for the index's keys
	roots []mountRoot
	skip  map[string]bool // absolute paths never digested
}

// newTreeWalk prepares to walk the task's folders, leaving out the
// state folder, the store and the task's output files (they are the
// outputs), wherever they sit.
func (r *Runner) newTreeWalk(s *spec, d *digester) *treeWalk {
	w := &treeWalk{d: d, guard: r.guard, proj: r.project.File.Dir, roots: s.mountRoots(), skip: map[string]bool{}}
	w.skip[filepath.Join(w.proj, stateDir)] = true
	if dir := r.engine.StoreDir(); dir != "" {
		w.skip[filepath.Clean(dir)] = true
	}
	for _, f := range s.outputFiles() {
		w.skip[f] = true
	}
	for _, root := range w.roots {
		w.skip[root.host] = true // walked as a root of its own
	}
	return w
}

// side writes to h a line for every entry under the roots of one side
// (read-write or read-only) and adds the files to list, if not nil.
func (w *treeWalk) side(h io.Writer, rw bool, list *[]outputFile) error {
	for _, root := range w.roots {
		if root.rw != rw {
			continue
		}
		dir, err := w.guard.OpenDir(root.host)
		if errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(h, "missing %s\n", root.name)
			continue
		}
		if err != nil {
			return err
		}
		root.key = fileKey(w.proj, root.host)
		err = w.walk(h, root, dir.Root(), list)
		dir.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// walk digests everything under one root, in lexical order.
func (w *treeWalk) walk(h io.Writer, root mountRoot, fsRoot *os.Root, list *[]outputFile) error {
	skip := map[string]bool{} // w.skip inside this root, by slash path
	for p := range w.skip {
		if rel, err := filepath.Rel(root.host, p); err == nil && rel != "." && filepath.IsLocal(rel) {
			skip[filepath.ToSlash(rel)] = true
		}
	}
	return fs.WalkDir(fsRoot.FS(), ".", func(rel string, e fs.DirEntry, err error) error {
		if err != nil {
			return w.unreadable(h, strconv.Quote(root.name+"/"+rel), err)
		}
		if skip[rel] || !e.IsDir() && tempfile.Is(e.Name()) {
			if e.IsDir() {
				return fs.SkipDir
			}
			return nil // a temporary output is neither input nor output
		}
		return w.entry(h, root, rel, e, fsRoot, list)
	})
}

// entry digests one entry: a folder by its name, a symlink by its text, a
// regular file by its content and executable bit, anything else (a device,
// a named pipe) by its type, never read.
func (w *treeWalk) entry(h io.Writer, root mountRoot, rel string, e fs.DirEntry, fsRoot *os.Root, list *[]outputFile) error {
	// Quoted: a name with a newline cannot pass for another line.
	name := strconv.Quote(root.name + "/" + rel)
	switch t := e.Type(); {
	case t.IsDir():
		io.WriteString(h, "dir "+name+"\n")
	case t&fs.ModeSymlink != 0:
		link, err := fsRoot.Readlink(rel)
		if err != nil {
			return w.unreadable(h, name, err)
		}
		io.WriteString(h, "symlink "+strconv.Quote(link)+" "+name+"\n")
		w.add(list, outputFile{Path: root.keyOf(rel), Link: link})
	case t.IsRegular():
		fi, err := e.Info()
		if err != nil {
			return w.unreadable(h, name, err)
		}
		key := root.keyOf(rel)
		sum, err := w.d.content(key, fi, func() (*os.File, error) { return fsRoot.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0) })
		if err != nil {
			return w.unreadable(h, name, err)
		}
		exec := fi.Mode()&0o111 != 0
		io.WriteString(h, "file "+sum+" "+strconv.FormatBool(exec)+" "+name+"\n")
		w.add(list, outputFile{Path: key, SHA256: sum, Exec: exec})
	default:
		fmt.Fprintf(h, "%s %s\n", t, name)
	}
	return nil
}

func (w *treeWalk) add(list *[]outputFile, f outputFile) {
	if list != nil {
		*list = append(*list, f)
	}
}

// unreadable records an entry that vanished or that wasmtasks may not read
// (the guest, running as the same user, cannot read it either); any other
// error stops the walk.
func (w *treeWalk) unreadable(h io.Writer, name string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(h, "vanished %s\n", name)
	case errors.Is(err, fs.ErrPermission):
		fmt.Fprintf(h, "unreadable %s\n", name)
	default:
		return err
	}
	return nil
}

// keyOf is the index's key of the entry at the slash path rel in the root.
func (root mountRoot) keyOf(rel string) string {
	switch {
	case root.key == ".":
		return rel
	case filepath.IsAbs(root.key):
		return filepath.Join(root.key, filepath.FromSlash(rel))
	}
	return root.key + "/" + rel
}

// fileKey is the index's key of the file at abs: its slash path relative
// to the project folder proj when it is inside, else its absolute path.
func fileKey(proj, abs string) string {
	if rel, err := filepath.Rel(proj, abs); err == nil && filepath.IsLocal(rel) {
		return filepath.ToSlash(rel)
	}
	return abs
}
