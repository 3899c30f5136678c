package tasks

import (
	"fmt"

	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/runner/cache"
	"github.com/wasmtasks/wasmtasks/schema"
)

// CheckStore refuses a task file that would let a program write into the
// store of compiled code in storeDir, or replace the store key in keyFile:
// a read-write folder that contains either or lies inside the store, or an
// output file in the store or over the key. Code planted there would run
// as the user in every later process. The errors carry the task file's
// line and column and exit with status 2.
func (p *Project) CheckStore(storeDir, keyFile string) error {
	var errs schema.Errors
	check := func(what string, path string, pos schema.Pos) {
		if err := cache.CheckWritable(path, storeDir, keyFile); err != nil {
			errs = append(errs, &schema.Error{File: p.File.Path, Line: pos.Line, Col: pos.Col, Msg: fmt.Sprintf("%s %v", what, err)})
		}
	}
	checkAll := func(dirs []*schema.Dir, outs ...*schema.Output) {
		for _, d := range dirs {
			if !d.ReadOnly {
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

// storePaths returns the store folder and key file the engine uses, or
// would use: the task file's cache_dir, else the default.
func storePaths(eng *runner.Engine, f *schema.File) (dir, key string, err error) {
	key, _ = cache.KeyFile()
	switch {
	case eng.Cache() != nil:
		return eng.Cache().Dir(), key, nil
	case f.CacheDir.IsSet():
		return f.CacheDir.Abs, key, nil
	}
	dir, err = cache.DefaultDir()
	return dir, key, err
}
