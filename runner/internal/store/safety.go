package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/internal/safefs"
)

// ErrUnsafe is matched (errors.Is) by the error of Open when another user
// could write code into the store, or read or replace its key, and by the
// error of [CheckWritable]. It is a refusal, not a failure to work around:
// the error says what to change. Such errors report exit status 2.
var ErrUnsafe = errors.New("unsafe store")

// unsafeError is a refusal for safety's sake; its message says what is
// wrong and how to fix it.
type unsafeError struct{ msg string }

func unsafef(format string, args ...any) error {
	return &unsafeError{msg: fmt.Sprintf(format, args...)}
}

func (e *unsafeError) Error() string        { return e.msg }
func (e *unsafeError) Is(target error) bool { return target == ErrUnsafe }

// ExitStatus is 2 (exitcode.Usage): the store or task file must be fixed before anything
// runs, as with a bad task file.
func (e *unsafeError) ExitStatus() int { return exitcode.Usage }

// checkParents refuses path when another user could replace it: when a
// folder on the way to it, or to what its symbolic links lead to, is owned
// by a user other than root and us, or is writable by group or others
// without the sticky bit that /tmp has.
func checkParents(path string) error {
	paths := []string{path}
	if real, err := filepath.EvalSymlinks(path); err == nil && real != path {
		paths = append(paths, real)
	}
	for _, p := range paths {
		for d := filepath.Dir(p); ; d = filepath.Dir(d) {
			if err := checkParent(d); err != nil {
				return err
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return nil
}

func checkParent(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		// Absent folders are made by us; anything else fails when used.
		return nil
	}
	if uid, ok := safefs.Owner(fi); ok && uid != 0 && uid != os.Getuid() {
		return unsafef("store: folder %s, on the way to the store or its key, is owned by %s, who could replace what is inside it; choose a store folder (cache_dir, --cache-dir or $%s) whose parent folders are yours or root's", dir, safefs.UserName(uid), EnvDir)
	}
	if looselyWritable(fi) {
		return unsafef("store: folder %s, on the way to the store or its key, is writable by other users, who could replace what is inside it; run 'chmod go-w %s', or choose another store folder", dir, dir)
	}
	return nil
}

// looselyWritable reports whether others than the owner may create or
// replace entries in the folder: group or other write permission, without
// the sticky bit that lets only an entry's owner remove it.
func looselyWritable(fi fs.FileInfo) bool {
	return safefs.Perm(fi)&0o022 != 0 && fi.Mode()&fs.ModeSticky == 0
}

// checkOwnFolder refuses a store folder that is not ours alone: owned by
// another user, or writable by group or others. With noLink, a symbolic
// link in its place is refused too.
func checkOwnFolder(dir string, noLink bool) error {
	stat := os.Stat
	if noLink {
		stat = os.Lstat
	}
	fi, err := stat(dir)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return unsafef("store: %s should be a folder of the store but is a symbolic link; remove it, or choose another store folder", dir)
	}
	if !fi.IsDir() {
		return unsafef("store: %s should be a folder of the store but is not; remove it, or choose another store folder", dir)
	}
	if uid, ok := safefs.Owner(fi); ok && uid != os.Getuid() {
		return unsafef("store: folder %s is owned by %s, not by you, so it could hold code you did not compile; choose another store folder (cache_dir, --cache-dir or $%s)", dir, safefs.UserName(uid), EnvDir)
	}
	if safefs.Perm(fi)&0o022 != 0 {
		return unsafef("store: folder %s is writable by other users (mode %#o), who could plant code that you would run; run 'chmod 700 %s', or choose another store folder", dir, fi.Mode().Perm(), dir)
	}
	return nil
}

// checkPrivateFile refuses a key file that someone else owns or that group
// or others may read or write.
func checkPrivateFile(path string, fi fs.FileInfo) error {
	if uid, ok := safefs.Owner(fi); ok && uid != os.Getuid() {
		return unsafef("store: key %s is owned by %s, not by you; a key must be your own file (make your own copy, then 'chmod 600' it)", path, safefs.UserName(uid))
	}
	if safefs.Perm(fi)&0o077 != 0 {
		return unsafef("store: key %s can be read or written by other users (mode %#o), who could forge compiled code you would run; run 'chmod 600 %s'", path, fi.Mode().Perm(), path)
	}
	return nil
}
