package tasks

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/schema"
)

// NotReproducibleError says that two runs of a task from the same inputs
// wrote different output: the first file, in the guest's terms (a path
// under a read-write folder, or the task's stdout or stderr), and the
// first offset at which they differ.
type NotReproducibleError struct {
	Task   string
	File   string
	Offset int64
	Detail string // "", or what differs other than bytes (a missing file)
}

func (e *NotReproducibleError) Error() string {
	what := fmt.Sprintf("differs at byte %d", e.Offset)
	if e.Detail != "" {
		what = e.Detail
	}
	return fmt.Sprintf("task %q is not reproducible: %s %s between two runs; "+
		"set reproducible: true if it reads the clock or random bytes", e.Task, e.File, what)
}

// ExitStatus is that of a failed task.
func (e *NotReproducibleError) ExitStatus() int { return exitcode.Failed }

// CheckReproducible runs the named tasks (or every task) as [Runner.Run]
// does, then runs each of them twice more, each time into fresh copies of
// its read-write folders as they are now, with its stdout and stderr
// captured, and compares every output byte for byte. It returns a
// [*NotReproducibleError] for the first task whose runs differ. Dependencies
// run once, as usual; only the named tasks are checked.
func (r *Runner) CheckReproducible(ctx context.Context, names ...string) (Summary, error) {
	sum, err := r.Run(ctx, names...)
	if err != nil {
		return sum, err
	}
	checked := names
	if len(checked) == 0 {
		for _, t := range r.project.Tasks() {
			checked = append(checked, t.Name)
		}
	}
	for _, name := range checked {
		if err := r.checkTask(ctx, r.project.tasks[name]); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// checkTask runs one task twice in scratch folders and compares.
func (r *Runner) checkTask(ctx context.Context, t *schema.Task) error {
	s := r.project.spec(t)
	scratch, err := os.MkdirTemp("", "wasmtasks-check-")
	if err != nil {
		return fmt.Errorf("check %s: %w", t.Name, err)
	}
	defer os.RemoveAll(scratch)
	var runs [2]string
	for i := range runs {
		runs[i] = filepath.Join(scratch, fmt.Sprint(i))
		if err := r.scratchRun(ctx, s, runs[i]); err != nil {
			return fmt.Errorf("check %s: run %d: %w", t.Name, i+1, err)
		}
	}
	return compareRuns(s, runs[0], runs[1])
}

// scratchRun runs the task with each read-write folder replaced by a copy
// under dir/dirs/N, and its streams captured into dir/stdout and
// dir/stderr (a stream the task sends to a file lands there too; its
// real file is left alone).
func (r *Runner) scratchRun(ctx context.Context, s *spec, dir string) error {
	cmd := r.engine.Command(s.program)
	cmd.Args, cmd.Env, cmd.SHA256 = s.args, s.env, s.sha256
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	cmd.Roots = append(slices.Clone(r.roots), dir)
	cmd.Timeout = timeDuration(s.settings.Timeout)
	cmd.MemoryLimit = int64(s.settings.Memory)
	if rp := s.settings.Reproducible; rp != nil && *rp {
		var err error
		if cmd.Reproducible, err = reproducible(s.task.Name, cmd.Env); err != nil {
			return err
		}
	}
	for i, d := range s.dirs {
		if !d.ReadOnly {
			cp := filepath.Join(dir, "dirs", fmt.Sprint(i))
			if err := copyTree(d.Host, cp); err != nil {
				return err
			}
			d.Host = cp
		}
		cmd.Dirs = append(cmd.Dirs, d)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if s.settings.Stdin.Mode == schema.StreamFile {
		f, err := r.guard.OpenFile(s.settings.Stdin.File.Abs)
		if err != nil {
			return err
		}
		defer f.Close()
		cmd.Stdin = f
	}
	if _, err := cmd.Run(ctx); s.exitStatus(err) != nil {
		return fmt.Errorf("%w\n%s", s.exitStatus(err), errOut.Bytes())
	}
	if err := os.WriteFile(filepath.Join(dir, "stdout"), out.Bytes(), 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "stderr"), errOut.Bytes(), 0o600)
}

// copyTree copies the regular files and folders under src to dst;
// symlinks are copied as links.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(to, 0o700)
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, to)
		case d.Type().IsRegular():
			return copyFile(p, to)
		}
		return nil // sockets, pipes and devices are not outputs
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
