package tasks

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/schema"
)

// spec is what one task runs: its component's settings with the task's
// additions and overrides applied.
type spec struct {
	task    *schema.Task
	program string // absolute path
	sha256  string
	args    []string // argv, program name first
	env     []string // NAME=value
	stdin   schema.Input
	stdout  schema.Output
	stderr  schema.Output
	dirs    []runner.Dir
	timeout schema.Duration
	memory  schema.Size
}

func (p *Project) spec(t *schema.Task) *spec {
	c := p.comps[t.Component.Name]
	s := &spec{
		task:    t,
		program: c.Path.Abs,
		sha256:  string(c.SHA256),
		args:    []string{filepath.Base(c.Path.Raw)},
		stdin:   schema.Input{Mode: schema.StreamNone},
		stdout:  schema.Output{Mode: schema.StreamInherit},
		stderr:  schema.Output{Mode: schema.StreamInherit},
		timeout: c.Timeout,
		memory:  c.Memory,
	}
	for _, a := range append(slices.Clone(c.Args), t.Args...) {
		s.args = append(s.args, string(a))
	}
	s.env = mergeEnv(c.InheritEnv, c.Env, t.Env)
	for _, in := range []*schema.Input{c.Stdin, t.Stdin} {
		if in != nil {
			s.stdin = *in
		}
	}
	for _, out := range []*schema.Output{c.Stdout, t.Stdout} {
		if out != nil {
			s.stdout = *out
		}
	}
	for _, out := range []*schema.Output{c.Stderr, t.Stderr} {
		if out != nil {
			s.stderr = *out
		}
	}
	for _, d := range append(slices.Clone(c.Dirs), t.Dirs...) {
		s.dirs = append(s.dirs, runner.Dir{Host: d.Host.Abs, Guest: string(d.Guest), ReadOnly: d.ReadOnly})
	}
	if t.Timeout != 0 {
		s.timeout = t.Timeout
	}
	if t.Memory != 0 {
		s.memory = t.Memory
	}
	return s
}

// mergeEnv builds the environment: inherited host variables first, then
// the component's, then the task's; a later value of a name replaces an
// earlier one.
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
