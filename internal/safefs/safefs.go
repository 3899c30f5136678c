// Package safefs opens host folders and files that a guest, or another
// user, could have tampered with: without following the symlinks a guest
// could have planted ([Guard]), without blocking on a named pipe or reading
// a device that never ends where a regular file is expected
// ([OpenRegular], [ErrNotRegular]), and telling who owns a file ([Owner]).
//
// The rule, in one place ([Guard.check]): a path is walked one component
// at a time from the top of the file system, never letting the kernel
// follow a symlink. A symlink strictly below a root (the project folder, or
// a folder some guest may write) is refused: a task could have planted it.
// A symlink elsewhere (one the user or the system made, such as
// /tmp -> /private/tmp or a symlinked home) is followed.
package safefs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// ErrPlanted is matched (with errors.Is) by the error that refuses a
// symlink a task could have planted.
var ErrPlanted = errors.New("planted symlink")

// maxLinks bounds how many symlinks one open follows, as the kernel's
// ELOOP does.
const maxLinks = 40

// PlantedError refuses a symlink that lies inside a root, or that another
// user made.
type PlantedError struct {
	Link  string // the symlink, as a real path
	Root  string // the root it lies in, or ""
	Owner string // the other user who made it, when that is why
}

func (e *PlantedError) Error() string {
	if e.Owner != "" {
		return fmt.Sprintf("%s is a symlink made by %s, another user; wasmtasks follows only your own symlinks and root's, so that no one can lead a folder or file of a task elsewhere; name the real path instead", e.Link, e.Owner)
	}
	name := e.Link
	if rel, err := filepath.Rel(e.Root, e.Link); err == nil {
		name = filepath.ToSlash(rel)
	}
	return fmt.Sprintf("%s is a symlink inside %s; a task could have planted it, so wasmtasks does not follow symlinks inside the project or a read-write folder; name the real path instead", name, e.Root)
}

// checkLinkOwner refuses a symlink that another user made: in a shared
// folder such as /tmp a neighbour's link could lead a mount or an output
// file into the user's private folders (the rule the kernel's
// protected_symlinks applies in sticky folders, here everywhere). Links of
// the user and of root are followed.
func checkLinkOwner(cur *os.Root, name, link string) error {
	fi, err := cur.Lstat(name)
	if err != nil {
		return err
	}
	uid, ok := Owner(fi)
	if !ok || uid == 0 || uid == os.Getuid() {
		return nil
	}
	return &PlantedError{Link: link, Owner: UserName(uid)}
}

// Is makes errors.Is(err, ErrPlanted) true.
func (e *PlantedError) Is(target error) bool { return target == ErrPlanted }

// Guard opens paths under the rule of the package. Its zero value has no
// roots and follows every symlink, still without races.
type Guard struct {
	roots []string // clean absolute paths: as given, then as resolved
}

// NewGuard returns a Guard for the given roots (relative ones are taken
// from the current folder). Each root counts under its name and, where it
// resolves safely, under its real path, so that a path reached through a
// user's symlink is still seen to lie inside it.
func NewGuard(roots ...string) *Guard {
	g := &Guard{}
	for _, r := range roots {
		if abs, err := filepath.Abs(r); err == nil {
			g.roots = append(g.roots, abs)
		}
	}
	named := len(g.roots)
	for _, r := range g.roots[:named] {
		if d, err := g.OpenDir(r); err == nil {
			if d.path != r {
				g.roots = append(g.roots, d.path)
			}
			d.Close()
		}
	}
	return g
}

// check applies the rule to a symlink found at the real path link.
func (g *Guard) check(link string) error {
	for _, r := range g.roots {
		if strictlyBelow(link, r) {
			return &PlantedError{Link: link, Root: r}
		}
	}
	return nil
}

func strictlyBelow(p, root string) bool {
	if !strings.HasSuffix(root, string(filepath.Separator)) {
		root += string(filepath.Separator)
	}
	return len(p) > len(root) && strings.HasPrefix(p, root)
}

// OpenDir opens the folder at path. The caller must close the Dir.
func (g *Guard) OpenDir(path string) (*Dir, error) {
	return g.openDir(path, false)
}

// MkdirAll opens the folder at path, creating what is missing of it (mode
// 0777 before the umask, as os.MkdirAll(path, 0o777) would).
func (g *Guard) MkdirAll(path string) (*Dir, error) {
	return g.openDir(path, true)
}

func (g *Guard) openDir(path string, create bool) (*Dir, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	for range maxLinks {
		d, next, err := g.walk(path, create)
		if err != nil || next == "" {
			return d, err
		}
		path = next
	}
	return nil, &fs.PathError{Op: "open", Path: path, Err: syscall.ELOOP}
}

// walk opens path component by component. At a symlink that the rule lets
// it follow, it returns the path to walk instead, with the link replaced
// by its target: the part walked so far is a real path, so a relative
// target's ".." means what the kernel would make of it.
func (g *Guard) walk(path string, create bool) (d *Dir, next string, err error) {
	top := filepath.VolumeName(path) + string(filepath.Separator)
	cur, err := os.OpenRoot(top)
	if err != nil {
		return nil, "", err
	}
	real := top
	parts := strings.Split(strings.TrimPrefix(path, top), string(filepath.Separator))
	for i, name := range parts {
		if name == "" {
			continue
		}
		fi, err := lstat(cur, name, create)
		if err != nil {
			cur.Close()
			return nil, "", &fs.PathError{Op: "open", Path: filepath.Join(real, name), Err: unwrapPath(err)}
		}
		here := filepath.Join(real, name)
		if fi.Mode()&fs.ModeSymlink != 0 {
			next, err := g.follow(cur, real, name)
			cur.Close()
			return nil, filepath.Join(append([]string{next}, parts[i+1:]...)...), err
		}
		if !fi.IsDir() {
			cur.Close()
			return nil, "", &fs.PathError{Op: "open", Path: here, Err: syscall.ENOTDIR}
		}
		sub, err := openSame(cur, name, fi)
		cur.Close()
		if err != nil {
			return nil, "", err
		}
		cur, real = sub, here
	}
	return &Dir{root: cur, path: real}, "", nil
}

// follow returns the target of the symlink name in the folder cur (whose
// real path is real) as an absolute path, if the rule lets it be followed.
func (g *Guard) follow(cur *os.Root, real, name string) (string, error) {
	link := filepath.Join(real, name)
	if err := g.check(link); err != nil {
		return "", err
	}
	if err := checkLinkOwner(cur, name, link); err != nil {
		return "", err
	}
	target, err := cur.Readlink(name)
	if err != nil {
		return "", err
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(real, target)
	}
	return target, nil
}

// lstat looks at name in cur without following it, creating it as a
// folder first when create is set and it does not exist.
func lstat(cur *os.Root, name string, create bool) (fs.FileInfo, error) {
	fi, err := cur.Lstat(name)
	if create && errors.Is(err, fs.ErrNotExist) {
		if err := cur.Mkdir(name, 0o777); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		fi, err = cur.Lstat(name)
	}
	return fi, err
}

// openSame opens the folder name in cur and makes sure it is the very
// folder lstat saw: os.Root never leaves cur, and the check refuses a
// symlink swapped in between.
func openSame(cur *os.Root, name string, fi fs.FileInfo) (*os.Root, error) {
	sub, err := cur.OpenRoot(name)
	if err != nil {
		return nil, err
	}
	now, err := sub.Stat(".")
	if err == nil && !os.SameFile(fi, now) {
		err = fmt.Errorf("%s changed while it was being opened", name)
	}
	if err != nil {
		sub.Close()
		return nil, err
	}
	return sub, nil
}

// unwrapPath drops os.Root's own PathError, so that ours names the whole
// path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
