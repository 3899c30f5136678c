package tasks

import (
	"os"
	"path/filepath"
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
}

func (p *Project) spec(t *schema.Task) *spec {
	c := p.comps[t.Component.Name]
	set := schema.Defaults().Merge(c.Settings).Merge(t.Settings)
	s := &spec{
		task:     t,
		program:  c.Path.Abs,
		sha256:   string(c.SHA256),
		settings: set,
		args:     []string{filepath.Base(c.Path.Raw)},
		env:      mergeEnv(set.InheritEnv, set.Env),
	}
	for _, a := range set.Args {
		s.args = append(s.args, string(a))
	}
	for _, d := range set.Dirs {
		s.dirs = append(s.dirs, runner.Dir{Host: d.Host.Abs, Guest: string(d.Guest), ReadOnly: d.ReadOnly, Create: d.Creates()})
	}
	return s
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
