package safefs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Dir is a folder opened by a [Guard]. It stays the same folder whatever
// is renamed or replaced on the way to it. The caller must close it.
type Dir struct {
	root *os.Root
	path string   // its real path, free of symlinks, when it was opened
	file *os.File // opened for Preopen, if it was called
}

// Path is the folder's real path when it was opened.
func (d *Dir) Path() string { return d.path }

// Root gives access to what the folder holds. Its Rename, Remove and
// OpenFile with O_CREATE|O_EXCL never follow a symlink in the folder; use
// [Dir.Open] to read a file.
func (d *Dir) Root() *os.Root { return d.root }

// Close releases the folder (and what Preopen handed out).
func (d *Dir) Close() error {
	if d.file != nil {
		d.file.Close()
	}
	return d.root.Close()
}

// Open opens the regular file name in the folder for reading. A symlink,
// a FIFO (which would block), a device or a folder is refused with an
// error matching [ErrNotRegular].
func (d *Dir) Open(name string) (*os.File, error) {
	return d.openRegular(name, os.O_RDONLY)
}

// openRegular opens the existing regular file name with flag, making sure
// it is the very file Lstat saw: not a symlink, FIFO, device or folder.
func (d *Dir) openRegular(name string, flag int) (*os.File, error) {
	fi, err := d.Lstat(name)
	if err != nil {
		return nil, err
	}
	f, err := d.root.OpenFile(name, flag|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	now, err := statRegular(f, d.name(name))
	if err != nil {
		return nil, err
	}
	if !os.SameFile(fi, now) {
		f.Close()
		return nil, fmt.Errorf("%s changed while it was being opened", d.name(name))
	}
	return f, nil
}

// OpenRW opens the regular file name in the folder for reading and
// writing, creating it with perm when it does not exist. Like [Dir.Open]
// it refuses a symlink, a FIFO, a device or a folder there.
func (d *Dir) OpenRW(name string, perm os.FileMode) (*os.File, error) {
	f, err := d.root.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
	if err == nil || !errors.Is(err, fs.ErrExist) {
		return f, err
	}
	return d.openRegular(name, os.O_RDWR)
}

// Lstat returns what name in the folder is, without following it, and
// refuses anything but a regular file with an error matching
// [ErrNotRegular]; one that does not exist matches fs.ErrNotExist.
func (d *Dir) Lstat(name string) (fs.FileInfo, error) {
	fi, err := d.root.Lstat(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: d.name(name), Err: unwrapPath(err)}
	}
	if !fi.Mode().IsRegular() {
		return nil, &notRegular{path: d.name(name), mode: fi.Mode()}
	}
	return fi, nil
}

func (d *Dir) name(name string) string { return filepath.Join(d.path, name) }

// OpenFile opens the regular file at path for reading under the guard's
// rule: its folder is opened as [Guard.OpenDir] does, a symlink in its
// place is followed only where the rule allows, and anything but a regular
// file is refused.
func (g *Guard) OpenFile(path string) (*os.File, error) {
	d, name, err := g.OpenParent(path, false)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.Open(name)
}

// OpenParent opens the folder that holds path (creating it, with create)
// and returns it with the file's name in it. A symlink in the file's place
// is followed where the rule allows, so the name returned is never a
// symlink the rule would refuse (until a guest changes the folder again:
// open the file itself with [Dir.Open]).
func (g *Guard) OpenParent(path string, create bool) (*Dir, string, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, "", err
	}
	for range maxLinks {
		d, err := g.openDir(filepath.Dir(path), create)
		if err != nil {
			return nil, "", err
		}
		name := filepath.Base(path)
		fi, err := d.root.Lstat(name)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return d, name, nil
		}
		next, err := g.follow(d.root, d.path, name)
		d.Close()
		if err != nil {
			return nil, "", err
		}
		path = next
	}
	return nil, "", &fs.PathError{Op: "open", Path: path, Err: syscall.ELOOP}
}
