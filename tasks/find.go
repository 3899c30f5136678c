package tasks

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/internal/safefs"
)

// FileName is the task file's default name.
const FileName = "wasmtasks.yaml"

// ErrNoTaskFile is wrapped by Find's error when no task file was found.
var ErrNoTaskFile = errors.New("no " + FileName + " found")

// EnvSafeDirectories names the environment variable that lists folders
// whose task files are used even though another user owns them: folders
// separated as in $PATH, or * for all.
const EnvSafeDirectories = "WASMTASKS_SAFE_DIRECTORIES"

// ErrNotOwned is wrapped by Find's error for a task file that another user
// owns and that the user has not declared safe.
var ErrNotOwned = errors.New("task file owned by another user")

// Find returns the task file to use: name when it is not empty, otherwise
// the nearest wasmtasks.yaml in dir or one of its parents, the way go-task
// finds its Taskfile. A task file that another user (not root) owns, or
// that lies in such a user's folder, decides what runs with this user's
// rights, so Find refuses it (like git since CVE-2022-24765) unless its
// folder is listed in $WASMTASKS_SAFE_DIRECTORIES.
func Find(dir, name string) (string, error) {
	path, err := find(dir, name)
	if err != nil {
		return "", err
	}
	if err := checkOwner(path); err != nil {
		return "", err
	}
	if name != "" {
		return name, nil
	}
	return relTo(dir, path), nil
}

// find returns the task file's absolute path.
func find(dir, name string) (string, error) {
	if name != "" {
		if _, err := os.Stat(name); err != nil {
			return "", fmt.Errorf("tasks: %w", err)
		}
		return filepath.Abs(name)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("tasks: %w", err)
	}
	for d := abs; ; d = filepath.Dir(d) {
		p := filepath.Join(d, FileName)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("tasks: %w in %s or any folder above it; create one or name it with -f", ErrNoTaskFile, abs)
		}
	}
}

// checkOwner refuses a task file that is, or whose folder is, owned by
// another user than root and us, unless that folder is declared safe.
func checkOwner(abs string) error {
	folder := filepath.Dir(abs)
	for _, p := range []string{abs, folder} {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("tasks: %w", err)
		}
		uid, ok := safefs.Owner(fi)
		if !ok || uid == 0 || uid == os.Getuid() || safeDirectory(folder) {
			continue
		}
		return &ownerError{fmt.Sprintf("tasks: %s is owned by %s, not by you or root; a task file decides what runs with your rights, so it is not used. If you trust it, set %s=%s (folders separated by %q, or * for all)",
			p, safefs.UserName(uid), EnvSafeDirectories, folder, os.PathListSeparator)}
	}
	return nil
}

// safeDirectory reports whether $WASMTASKS_SAFE_DIRECTORIES lists folder,
// or is *.
func safeDirectory(folder string) bool {
	real, _ := filepath.EvalSymlinks(folder)
	for _, d := range filepath.SplitList(os.Getenv(EnvSafeDirectories)) {
		if d == "*" {
			return true
		}
		if d == "" {
			continue
		}
		r, err := filepath.EvalSymlinks(d)
		if err == nil && r == real {
			return true
		}
	}
	return false
}

// ownerError refuses a task file of another user; it exits with
// status 2 (exitcode.Usage).
type ownerError struct{ msg string }

func (e *ownerError) Error() string        { return e.msg }
func (e *ownerError) Is(target error) bool { return target == ErrNotOwned }
func (e *ownerError) ExitStatus() int      { return exitcode.Usage }

// relTo shortens p to a path relative to dir when that is shorter, for
// messages.
func relTo(dir, p string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return p
	}
	if r, err := filepath.Rel(abs, p); err == nil && len(r) < len(p) {
		return r
	}
	return p
}
