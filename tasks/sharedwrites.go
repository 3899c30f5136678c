package tasks

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/wasmtasks/wasmtasks/schema"
)

// sharedWriters returns the tasks that may write where another task of the
// file may write too: into one read-write folder (two tasks of one
// component that mounts it, say), one inside another's, or one output
// file. Such a task's result is not shared through the remote cache: a
// task running at the same time can change the folder after the action
// key described it, so the result could belong to other inputs. Archive
// folders are read-only and do not count. The places are compared by
// cleaned absolute path, sorted so that a folder's contents follow it:
// one pass, linear in the number of places (times their depth).
func sharedWriters(p *Project) map[string]bool {
	type place struct {
		path string // cleaned, with separators as \x00 so that "out/a" sorts right after "out"
		task string
	}
	var places []place
	add := func(path, task string) {
		places = append(places, place{strings.ReplaceAll(filepath.Clean(path), string(filepath.Separator), "\x00"), task})
	}
	for _, t := range p.File.Tasks {
		set := p.settings(t)
		for _, d := range set.Dirs {
			if !d.ReadOnly && d.Archive.Name == "" {
				add(d.Host.Abs, t.Name)
			}
		}
		for _, o := range []*schema.Output{set.Stdout, set.Stderr} {
			if o != nil && o.Mode == schema.StreamFile {
				add(o.File.Abs, t.Name)
			}
		}
	}
	slices.SortFunc(places, func(a, b place) int { return strings.Compare(a.path, b.path) })
	shared := map[string]bool{}
	var open []place // the places that hold the current one, outermost first
	for _, pl := range places {
		for len(open) > 0 && !placeWithin(pl.path, open[len(open)-1].path) {
			open = open[:len(open)-1]
		}
		for _, o := range open {
			if o.task != pl.task {
				shared[o.task], shared[pl.task] = true, true
			}
		}
		open = append(open, pl)
	}
	return shared
}

// placeWithin reports whether path (with \x00 separators) is dir or inside it.
func placeWithin(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, dir+"\x00")
}
