// Package tempfile names the temporary files wasmtasks writes beside the
// files they will become, so that globs can tell them apart and a later
// run can remove those whose writer died (a SIGKILL leaves them behind).
package tempfile

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
)

// marker is in every temporary name, after the name of the file it will
// become and before the writer's process ID.
const marker = ".wasmtasks-tmp-"

// Name returns a new temporary name for a file that will be renamed to
// target (a base name): hidden, marked, and carrying this process's ID.
// Create it with O_EXCL: the random part makes clashes unlikely, not
// impossible.
func Name(target string) string {
	return fmt.Sprintf(".%s%s%d-%d", target, marker, os.Getpid(), rand.Uint64())
}

// Pattern is [Name] as an os.CreateTemp pattern (for [Write]): the random
// part is CreateTemp's.
func Pattern(target string) string {
	return fmt.Sprintf(".%s%s%d-*", target, marker, os.Getpid())
}

// Is reports whether the base name name is a temporary name made by Name.
func Is(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, marker)
}

// Stray reports whether the base name name is a temporary name for target
// whose writer no longer runs, so that nothing will ever rename it.
func Stray(name, target string) bool {
	rest, ok := strings.CutPrefix(name, "."+target+marker)
	if !ok {
		return false
	}
	pid, _, _ := strings.Cut(rest, "-")
	n, err := strconv.Atoi(pid)
	return err == nil && n > 0 && ProcessGone(n)
}

// Orphan reports whether the base name name is a temporary name made by
// [Name], for any target, whose writer no longer runs.
func Orphan(name string) bool {
	i := strings.LastIndex(name, marker)
	return strings.HasPrefix(name, ".") && i > 1 && Stray(name, name[1:i])
}

// Write writes data to a new file in dir, named by pattern as
// os.CreateTemp names it (mode 0600), syncs and closes it, and hands its
// path to place, which moves it to its real name: os.Rename to replace
// what is there, os.Link to never replace it. No reader sees half a file
// under the real name, and the temporary name is gone when Write returns.
// The error is the first that happened, place's included.
func Write(dir, pattern string, data []byte, place func(tmp string) error) error {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := writeClose(f, data); err != nil {
		return err
	}
	return place(tmp)
}

// WriteIn writes data to name in the folder root through a temporary file
// (named by [Name]) that is synced and renamed over name, so no reader sees
// half a file. Nothing on the way follows a symlink: root holds the folder,
// and a symlink at name is replaced, not written through.
func WriteIn(root *os.Root, name string, data []byte, perm os.FileMode) error {
	tmp := Name(name)
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	defer root.Remove(tmp)
	if err := writeClose(f, data); err != nil {
		return err
	}
	return root.Rename(tmp, name)
}

// writeClose writes data to f, syncs and closes it, and returns the first
// error.
func writeClose(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
