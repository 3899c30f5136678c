package tasks

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// checkFolders fails a task whose folder does not exist and will not be
// made (a read-only one, or one with create: false), naming where the task
// file gives it. The runner opens every folder again under the symlink
// rule; this check only words the common mistake.
func (r *Runner) checkFolders(s *spec) error {
	for _, d := range s.settings.Dirs {
		if d.Creates() {
			continue
		}
		_, err := os.Stat(d.Host.Abs)
		if !errors.Is(err, fs.ErrNotExist) {
			continue // there, or a problem the runner reports
		}
		why := "a read-only folder is not created: make it, or have a task in deps write it"
		if !d.ReadOnly {
			why = "create: false keeps it from being made: make it, or drop create: false"
		}
		return &missingFolder{msg: fmt.Sprintf("%s:%s: folder %s does not exist; %s", r.project.File.Path, d.Pos, d.Host.Raw, why)}
	}
	return nil
}

// missingFolder is the failure of a task whose folder is missing; it
// matches fs.ErrNotExist.
type missingFolder struct{ msg string }

func (e *missingFolder) Error() string        { return e.msg }
func (e *missingFolder) Is(target error) bool { return target == fs.ErrNotExist }

// scratchDir makes the empty folder that a task with tmp: true gets as
// /tmp: in the system's temporary folder ($TMPDIR), mode 0700.
func scratchDir() (string, error) {
	dir, err := os.MkdirTemp("", "wasmtasks-tmp-")
	if err != nil {
		return "", fmt.Errorf("tmp: cannot make the scratch folder: %w", err)
	}
	return dir, nil
}

// PrintedError is the failure of a task with fail_on_stdout that printed
// on stdout: for check tools such as gofmt -l, output means problems. The
// task fails with exit status 1, like any failed task.
type PrintedError struct {
	// Lines are the last lines it printed (at most 10).
	Lines []string
}

func (e *PrintedError) Error() string {
	return fmt.Sprintf("printed on stdout, which fail_on_stdout counts as failure; the last lines:\n    %s",
		strings.Join(e.Lines, "\n    "))
}

// teeTo writes to w (if not nil) and to t.
func teeTo(w io.Writer, t *tail) io.Writer {
	if w == nil {
		return t
	}
	return io.MultiWriter(w, t)
}
