package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/schema"
	"github.com/wasmtasks/wasmtasks/tasks"
)

const validateUsage = `Usage: wasmtasks validate [-f FILE]

Checks the task file and prints every problem as FILE:LINE:COL: what is
wrong; what to do. Then checks every program: its imports (read without
compiling it) against what wasmtasks can provide, and its digest against its
sha256: and wasmtasks.lock, obtaining those from go:, url: and oci: that the
store lacks (validate never writes the lock). Exits 0 when the file is valid
and 2 when it is not.
Without -f, the nearest wasmtasks.yaml in this folder or one above is used.

Flags:
`

func validateCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("validate", validateUsage, stderr)
	file := fs.String("f", "", "the task `FILE` (default: the nearest wasmtasks.yaml)")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("validate takes no arguments")
	}
	f, err := loadTaskFile(*file)
	if err != nil {
		return err
	}
	if err := checkStore(f); err != nil {
		return err
	}
	// Programs from sources are obtained (from the store when it has them)
	// and checked against the lock, which validate never writes.
	opts := tasks.ResolveOptions{Mode: tasks.LockCheck, Progress: stderr}
	if err := tasks.NewProject(f).Resolve(context.Background(), opts); err != nil {
		return err
	}
	if err := checkPrograms(f); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is valid: %s, %s\n", f.Path, plural(len(f.Components), "component"), plural(len(f.Tasks), "task"))
	return nil
}

// loadTaskFile finds and loads the task file; a bad file is an error with
// exit status 2 that lists every problem.
func loadTaskFile(name string) (*schema.File, error) {
	path, err := tasks.Find(".", name)
	if err != nil {
		return nil, &exitError{status: exitcode.Usage, err: err}
	}
	f, err := schema.Load(path)
	if err != nil {
		return nil, taskFileError(path, err)
	}
	return f, nil
}

// taskFileError is the error for a task file that does not load: every
// problem in it, and exit status 2.
func taskFileError(path string, err error) error {
	var errs schema.Errors
	if errors.As(err, &errs) {
		return &exitError{status: exitcode.Usage, err: fmt.Errorf("%s has %s:\n%w", path, plural(len(errs), "problem"), errs)}
	}
	return &exitError{status: exitcode.Usage, err: err}
}

// checkStore reports, as problems of the task file, every place that would
// let a program write into the store of compiled code or its key.
func checkStore(f *schema.File) error {
	p := tasks.NewProject(f)
	dir, err := p.StoreDir("")
	if err != nil {
		return nil // no store folder at all: nothing to protect
	}
	err = p.CheckStore(dir)
	var errs schema.Errors
	if errors.As(err, &errs) {
		return &exitError{status: exitcode.Usage, err: fmt.Errorf("%s has %s:\n%w", f.Path, plural(len(errs), "problem"), errs)}
	}
	return err
}

// checkPrograms reports, as problems of the task file, every program that
// needs what wasmtasks cannot provide (runner.CheckImports reads sections
// only: nothing is compiled). A program that is missing or unreadable is
// left to the run that needs it.
func checkPrograms(f *schema.File) error {
	var errs schema.Errors
	for _, c := range f.Components {
		var ie *runner.ImportError
		if err := runner.CheckImports(c.Path.Abs); errors.As(err, &ie) {
			errs = append(errs, &schema.Error{File: f.Path, Line: c.Path.Pos.Line, Col: c.Path.Pos.Col,
				Msg: fmt.Sprintf("component %q: %s %v", c.Name, c.Path.Raw, ie)})
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &exitError{status: exitcode.Usage, err: fmt.Errorf("%s has %s:\n%w", f.Path, plural(len(errs), "problem"), errs)}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
