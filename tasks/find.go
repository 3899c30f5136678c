package tasks

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// FileName is the task file's default name.
const FileName = "wasmtasks.yaml"

// ErrNoTaskFile is wrapped by Find's error when no task file was found.
var ErrNoTaskFile = errors.New("no " + FileName + " found")

// Find returns the task file to use: name when it is not empty, otherwise
// the nearest wasmtasks.yaml in dir or one of its parents, the way go-task
// finds its Taskfile.
func Find(dir, name string) (string, error) {
	if name != "" {
		if _, err := os.Stat(name); err != nil {
			return "", fmt.Errorf("tasks: %w", err)
		}
		return name, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("tasks: %w", err)
	}
	for d := abs; ; d = filepath.Dir(d) {
		p := filepath.Join(d, FileName)
		if _, err := os.Stat(p); err == nil {
			return relTo(dir, p), nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("tasks: %w in %s or any folder above it; create one or name it with -f", ErrNoTaskFile, abs)
		}
	}
}

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
