package tasks

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/schema"
)

// spec is what one task runs: its component's settings with the task's
// additions and overrides applied, and what they come to for the runner.
type spec struct {
	task     *schema.Task
	program  string // absolute path
	sha256   string
	settings schema.Settings // merged onto schema.Defaults
	args     []string        // argv, program name first
	env      []string        // NAME=value, inherited variables included
	dirs     []runner.Dir
	record   *consoleRecord // if not nil, what the run prints, for the remote cache
}

func (p *Project) spec(t *schema.Task) *spec {
	c := p.comps[t.Component.Name]
	set := p.settings(t)
	prog, _ := p.resolvedProgram(c.Name)
	s := &spec{
		task:     t,
		program:  prog.path,
		sha256:   prog.sha256,
		settings: set,
		args:     []string{programName(c)},
		env:      mergeEnv(set.InheritEnv, set.Env),
	}
	for _, a := range set.Args {
		s.args = append(s.args, string(a))
	}
	// Merge may share the list with the component's (and so with every
	// task of it, running at once): replace entries in a copy.
	if slices.ContainsFunc(set.Dirs, func(d *schema.Dir) bool { return d.Archive.Name != "" }) {
		set.Dirs = slices.Clone(set.Dirs)
	}
	for i, d := range set.Dirs {
		if d.Archive.Name != "" {
			// The folder unpacked in the store: its name there holds
			// the archive's digest, so the fingerprint follows the
			// archive (Host.Abs does not count, see schema.HostPath).
			cp := *d
			f := p.folder(d)
			cp.Host.Raw, cp.Host.Abs, cp.ReadOnly = f.id, f.host, true
			set.Dirs[i], d = &cp, &cp
		}
		s.dirs = append(s.dirs, runner.Dir{Host: d.Host.Abs, Guest: string(d.Guest), ReadOnly: d.ReadOnly, Create: d.Creates()})
	}
	s.settings = set
	return s
}

// programName is the program's argv[0]: the file's name, or the last
// part of the package, URL, file in the archive or OCI repository.
func programName(c *schema.Component) string {
	var ref string
	switch {
	case c.Path.IsSet():
		return filepath.Base(c.Path.Raw)
	case c.Go != "":
		ref, _, _ = strings.Cut(string(c.Go), "@")
	case c.File != "":
		ref = string(c.File)
	case c.URL != "":
		ref, _, _ = strings.Cut(string(c.URL), "?")
	case c.OCI != "":
		ref, _, _ = strings.Cut(string(c.OCI), "@")
		if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
			ref = ref[:i]
		}
	}
	return path.Base(strings.TrimSuffix(ref, "/"))
}

// mergeEnv builds the environment: inherited host variables first, then
// the component's and the task's (in that order in env); a later value of
// a name replaces an earlier one.
func mergeEnv(inherit schema.InheritEnv, layers ...schema.Env) []string {
	var names []string
	values := map[string]string{}
	set := func(name, value string) {
		if _, ok := values[name]; !ok {
			names = append(names, name)
		}
		values[name] = value
	}
	if inherit.All {
		for _, kv := range os.Environ() {
			if name, value, ok := strings.Cut(kv, "="); ok && name != "" {
				set(name, value)
			}
		}
	}
	for _, name := range inherit.Names {
		if v, ok := os.LookupEnv(name); ok {
			set(name, v)
		}
	}
	for _, env := range layers {
		for _, e := range env {
			set(e.Name, e.Value)
		}
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n + "=" + values[n]
	}
	return out
}

// settings are what the task runs with: the defaults, its component's
// settings, then its own. Their lists may be shared with other tasks' (see
// [schema.Settings.Merge]).
func (p *Project) settings(t *schema.Task) schema.Settings { return p.merged[t] }
