package tasks

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/schema"
)

// stderrTail is how many lines of a failed task's stderr the summary shows
// again.
const stderrTail = 10

// execute runs the task's program with its streams connected. It returns
// the run's result and the last lines the program wrote to stderr.
func (r *Runner) execute(ctx context.Context, t *schema.Task, s *spec) (rr runner.Result, lastStderr []string, err error) {
	cmd := r.engine.Command(s.program)
	cmd.Args, cmd.Env, cmd.Dirs, cmd.SHA256 = s.args, s.env, s.dirs, s.sha256
	cmd.Name = sourceName(r.project.comps[t.Component.Name])
	cmd.Roots = r.roots
	if cmd.Env == nil {
		cmd.Env = []string{}
	}
	cmd.Timeout = timeDuration(s.settings.Timeout)
	cmd.MemoryLimit = int64(s.settings.Memory)
	cmd.OnCompile = func(size int64) func() { return r.progress.compiling(t.Name, s.program, size) }
	cmd.WorkDir = s.settings.Workdir.Path
	if err := r.checkFolders(s); err != nil {
		return runner.Result{}, nil, err
	}
	if s.settings.Tmp {
		tmp, err := scratchDir()
		if err != nil {
			return runner.Result{}, nil, err
		}
		defer os.RemoveAll(tmp)
		cmd.Dirs = append(cmd.Dirs, runner.Dir{Host: tmp, Guest: "/tmp"})
	}
	if r := s.settings.Reproducible; r != nil && *r {
		if cmd.Reproducible, err = reproducible(t.Name, cmd.Env); err != nil {
			return runner.Result{}, nil, err
		}
	}

	tl := &tail{max: stderrTail}
	var pending []*pendingFile
	byPath := map[string]*pendingFile{}
	ok := false
	defer func() {
		for _, p := range pending {
			p.finish(ok)
		}
	}()
	// The console is flushed before the outputs are kept: a writer of
	// the caller's that panics fails the task instead of the process.
	consoleOut, consoleErr, finish := r.console.taskStreams(t.Name)
	if s.record != nil {
		recOut, recErr := s.record.streams()
		consoleOut, consoleErr = io.MultiWriter(consoleOut, recOut), io.MultiWriter(consoleErr, recErr)
	}
	defer func() {
		finish()
		if perr := r.console.failure(); perr != nil && err == nil {
			err, ok = perr, false
		}
	}()
	open := func(o schema.Output, console io.Writer) (io.Writer, error) {
		switch o.Mode {
		case schema.StreamDiscard:
			return nil, nil
		case schema.StreamFile:
			if p, ok := byPath[o.File.Abs]; ok {
				return p, nil // both streams in one file, as 2>&1 does
			}
			p, err := newPendingFile(r.guard, &r.strays, o.File.Abs, o.Append)
			if err != nil {
				return nil, err
			}
			pending = append(pending, p)
			byPath[o.File.Abs] = p
			return p, nil
		}
		return console, nil
	}
	stdout, err := open(*s.settings.Stdout, consoleOut)
	if err != nil {
		return runner.Result{}, nil, fmt.Errorf("stdout: %w", err)
	}
	stderr, err := open(*s.settings.Stderr, consoleErr)
	if err != nil {
		return runner.Result{}, nil, fmt.Errorf("stderr: %w", err)
	}
	var printed *tail // what the task printed, when that fails it
	if s.settings.FailOnStdout {
		printed = &tail{max: stderrTail}
		stdout = teeTo(stdout, printed)
	}
	cmd.Stdout = stdout
	if stderr == nil {
		cmd.Stderr = tl
	} else {
		cmd.Stderr = io.MultiWriter(stderr, tl)
	}
	switch s.settings.Stdin.Mode {
	case schema.StreamInherit:
		cmd.Stdin = os.Stdin
	case schema.StreamFile:
		f, err := r.guard.OpenFile(s.settings.Stdin.File.Abs)
		if err != nil {
			return runner.Result{}, nil, fmt.Errorf("stdin: %w", err)
		}
		defer f.Close()
		cmd.Stdin = f
	}
	rr, err = cmd.Run(ctx)
	err = s.exitStatus(err)
	if err == nil && printed != nil {
		if lines := printed.text(); len(lines) > 0 {
			err = &PrintedError{Lines: lines}
		}
	}
	ok = err == nil
	return rr, tl.text(), err
}
