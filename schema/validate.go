package schema

import (
	"maps"
	"os"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// validate checks what decoding one value at a time cannot: that files and
// folders exist, that names refer to something, that dependencies have no
// cycle, and that no two folders share a guest path.
func (d *decoder) validate(f *File) {
	comps := map[string]*Component{}
	for _, c := range f.Components {
		comps[c.Name] = c
		d.checkExists(c.Path, false)
	}
	compNames := slices.Sorted(maps.Keys(comps))
	for _, c := range f.Components {
		d.checkDirs(c.Dirs, nil)
		d.checkArchives(c.Dirs, comps, compNames)
	}
	tasks := map[string]*Task{}
	for _, t := range f.Tasks {
		tasks[t.Name] = t
	}
	taskNames := slices.Sorted(maps.Keys(tasks))
	refErrors := len(d.errs)
	for _, t := range f.Tasks {
		var inherited []*Dir
		if c, ok := comps[t.Component.Name]; ok {
			inherited = c.Dirs
		} else if t.Component.Name != "" {
			d.errorAt(t.Component.Pos, "unknown component %q%s", t.Component.Name, d.suggestName(t.Component.Name, compNames, "components"))
		}
		d.checkDirs(t.Dirs, inherited)
		d.checkArchives(t.Dirs, comps, compNames)
		if c, ok := comps[t.Component.Name]; ok {
			d.checkRun(c, t)
		}
		for _, dep := range t.Deps {
			switch {
			case dep.Name == "":
			case dep.Name == t.Name:
				d.errorAt(dep.Pos, "task %q depends on itself; remove it from its deps", t.Name)
			case tasks[dep.Name] == nil:
				d.errorAt(dep.Pos, "unknown task %q in deps%s", dep.Name, d.suggestName(dep.Name, taskNames, "tasks"))
			}
		}
		for _, out := range t.Outputs {
			for _, in := range t.Inputs {
				if in.Pattern == out.Pattern && in.Pattern != "" {
					d.errorAt(out.Pos, "%q is both an input and an output of %q; a task that rewrites its own input is never up to date", out.Pattern, t.Name)
				}
			}
		}
	}
	if len(d.errs) == refErrors {
		d.checkCycles(f.Tasks, tasks)
	}
}

// suggestName says which known name got may have meant, or lists some of
// them; known is sorted.
func (d *decoder) suggestName(got string, known []string, what string) string {
	if s := d.suggest(got, known); s != "" {
		return s
	}
	if len(known) == 0 {
		return "; the file defines no " + what
	}
	return "; defined " + what + ": " + list(known)
}

func (d *decoder) errorAt(p Pos, format string, args ...any) {
	d.errorf(&yaml.Node{Line: p.Line, Column: p.Col}, format, args...)
}

func (d *decoder) checkExists(p HostPath, dir bool) {
	if !p.IsSet() {
		return // missing or invalid: decoding said so
	}
	fi, err := os.Stat(p.Abs)
	switch {
	case err != nil && os.IsNotExist(err):
		d.errorAt(p.Pos, "%s does not exist", p.Raw)
	case err != nil:
		d.errorAt(p.Pos, "%s: %v", p.Raw, err)
	case dir && !fi.IsDir():
		d.errorAt(p.Pos, "%s is not a folder", p.Raw)
	case !dir && fi.IsDir():
		d.errorAt(p.Pos, "%s is a folder, not a program file", p.Raw)
	}
}

// checkDirs checks a task's or component's folders; inherited are the
// component's, which a task's own folders add to.
func (d *decoder) checkDirs(dirs, inherited []*Dir) {
	guests := map[string]bool{}
	for _, dir := range inherited {
		guests[path.Clean(string(dir.Guest))] = true
	}
	for _, dir := range dirs {
		// A folder that does not exist yet is no error here: a fresh
		// clone has no build/. The task that mounts it creates it, or
		// fails, when it runs.
		if dir.ReadOnly && dir.Create != nil && *dir.Create {
			d.errorAt(dir.Pos, "a read-only folder is never created; remove create: true, or readonly")
		}
		g := string(dir.Guest)
		if g == "" {
			continue
		}
		if !path.IsAbs(g) {
			d.errorAt(dir.Pos, "guest path %q is not absolute; write it as the program will see it, like /src", g)
			continue
		}
		if guests[path.Clean(g)] {
			d.errorAt(dir.Pos, "guest path %s is given twice; each folder needs its own guest path", path.Clean(g))
		}
		guests[path.Clean(g)] = true
	}
}

// checkArchives checks that each folder taken from an archive names a
// component whose program comes from one (url: with file:).
func (d *decoder) checkArchives(dirs []*Dir, comps map[string]*Component, names []string) {
	for _, dir := range dirs {
		a := dir.Archive
		if a.Name == "" {
			continue
		}
		c, ok := comps[a.Name]
		switch {
		case !ok:
			d.errorAt(a.Pos, "unknown component %q in archive%s", a.Name, d.suggestName(a.Name, names, "components"))
		case !c.IsArchive():
			d.errorAt(a.Pos, "component %q does not come from an archive; archive: names a component with url: and file:", a.Name)
		}
	}
}

// checkRun checks what only the task's settings merged onto its
// component's show: that its working folder lies in a folder it gets, and
// that its scratch /tmp is not also one of its dirs.
func (d *decoder) checkRun(c *Component, t *Task) {
	set := c.Settings.Merge(t.Settings)
	guests := []string{}
	for _, dir := range set.Dirs {
		g := path.Clean(string(dir.Guest))
		if set.Tmp && g == "/tmp" {
			d.errorAt(dir.Pos, "guest path /tmp is the scratch folder that tmp: true gives %q; mount this folder elsewhere, or drop tmp", t.Name)
		}
		guests = append(guests, g)
	}
	if set.Tmp {
		guests = append(guests, "/tmp")
	}
	if w := set.Workdir; w.IsSet() && !slices.ContainsFunc(guests, func(g string) bool { return within(w.Path, g) }) {
		d.errorAt(w.Pos, "workdir %s of %q is not inside any folder it gets (%s); mount the folder it should start in with dirs", w.Path, t.Name, listOr(guests))
	}
}

// within reports whether the clean guest path p is dir or below it.
func within(p, dir string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, dir+"/")
}

func listOr(guests []string) string {
	if len(guests) == 0 {
		return "it has no dirs"
	}
	return "it has " + strings.Join(guests, ", ")
}

// checkCycles reports each dependency cycle once, as a → b → a, where the
// dependency that closes it is written.
func (d *decoder) checkCycles(order []*Task, tasks map[string]*Task) {
	const done = -1
	state := map[string]int{} // absent: unvisited; done; else 1 + index in stack
	var stack []string
	var visit func(t *Task)
	visit = func(t *Task) {
		stack = append(stack, t.Name)
		state[t.Name] = len(stack)
		for _, dep := range t.Deps {
			switch at := state[dep.Name]; at {
			case done:
			case 0:
				// An unknown or empty name (deps: [~]) has its own error.
				if next := tasks[dep.Name]; next != nil {
					visit(next)
				}
			default:
				d.errorAt(dep.Pos, "dependency cycle: %s; remove one of these deps", chain(stack[at-1:]))
			}
		}
		stack = stack[:len(stack)-1]
		state[t.Name] = done
	}
	for _, t := range order {
		if state[t.Name] == 0 {
			visit(t)
		}
	}
}
