package tasks

import (
	"fmt"
	"path/filepath"

	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/schema"
)

// StoreDir returns the folder of the store of compiled code, by the one
// rule every front end follows: flag (a --cache-dir) when it is not empty,
// else the task file's cache_dir, else [runner.DefaultStoreDir]
// ($WASMTASKS_CACHE_DIR, else the user cache folder's wasmtasks folder).
// p may be nil: there is no task file.
func (p *Project) StoreDir(flag string) (string, error) {
	switch {
	case flag != "":
		return filepath.Abs(flag)
	case p != nil && p.File.CacheDir.IsSet():
		return p.File.CacheDir.Abs, nil
	}
	return runner.DefaultStoreDir()
}

// CheckStore refuses a task file that would let a program write into the
// store of compiled code in storeDir (where fetched programs are kept
// too), replace the store key, or rewrite the task file or its lock
// (wasmtasks.lock): a read-write folder that contains any of them or lies
// inside the store, or an output file in the store or over one of those
// files; and a read-only folder that holds the key, which a program could
// read and pass on. Code planted there, or a task file or pin changed by a
// program, would decide what runs as the user in every later process. The
// errors carry the task file's line and column and exit with status 2.
func (p *Project) CheckStore(storeDir string) error {
	var errs schema.Errors
	var sc runner.StoreChecker // resolves the store, key and task file once
	check := func(what string, path string, pos schema.Pos) {
		err := sc.CheckWritable(path, storeDir)
		if err == nil {
			err = sc.CheckHolds(path, p.File.Path, "the task file")
		}
		if err == nil {
			err = sc.CheckHolds(path, p.LockPath(), "the lock file")
		}
		if what == "read-only folder" {
			err = sc.CheckReadable(path)
		}
		if err != nil {
			errs = append(errs, &schema.Error{File: p.File.Path, Line: pos.Line, Col: pos.Col, Msg: fmt.Sprintf("%s %v", what, err)})
		}
	}
	checkAll := func(dirs []*schema.Dir, outs ...*schema.Output) {
		for _, d := range dirs {
			if d.ReadOnly {
				check("read-only folder", d.Host.Abs, d.Pos)
			} else {
				check("read-write folder", d.Host.Abs, d.Pos)
			}
		}
		for _, o := range outs {
			if o != nil && o.Mode == schema.StreamFile {
				check("output file", o.File.Abs, o.File.Pos)
			}
		}
	}
	for _, c := range p.File.Components {
		checkAll(c.Dirs, c.Stdout, c.Stderr)
	}
	for _, t := range p.File.Tasks {
		checkAll(t.Dirs, t.Stdout, t.Stderr)
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}
