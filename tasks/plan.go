package tasks

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
)

// DryRun prints what Run would do, in order, and runs nothing: for each
// task whether it is up to date and how that is decided, its program,
// argv, environment names and folders with their modes.
func (r *Runner) DryRun(w io.Writer, names ...string) error {
	plan, err := r.project.plan(names)
	if err != nil {
		return err
	}
	if err := r.resolve(context.Background(), plan, LockCheck); err != nil {
		return err
	}
	for i, t := range plan {
		s := r.project.spec(t)
		status := "would run"
		if digest, err := r.engine.Digest(s.program); err != nil {
			status = "would fail: " + err.Error()
		} else if s.sha256 != "" && s.sha256 != digest {
			status = "would fail: the program's SHA-256 does not match its pin"
		} else if c, err := r.checkUpToDate(s); err == nil && c.upToDate {
			status = "up to date, would be skipped"
		}
		fmt.Fprintf(w, "%d. %s (%s)\n", i+1, t.Name, status)
		kind, why := s.decideKind()
		fmt.Fprintf(w, "   check:   %s: %s (%s)\n", kind, kindMeaning[kind], why)
		fmt.Fprintf(w, "   program: %s\n", r.rel(s.program))
		fmt.Fprintf(w, "   argv:    %s\n", quoteArgs(s.args))
		if len(s.env) > 0 {
			var envNames []string
			for _, kv := range s.env {
				name, _, _ := strings.Cut(kv, "=")
				envNames = append(envNames, name)
			}
			fmt.Fprintf(w, "   env:     %s\n", strings.Join(envNames, " "))
		}
		for _, d := range s.dirs {
			mode := "read-write"
			if d.ReadOnly {
				mode = "read-only"
			}
			fmt.Fprintf(w, "   dir:     %s -> %s (%s)\n", r.rel(d.Host), d.Guest, mode)
		}
		if len(t.Deps) > 0 {
			var deps []string
			for _, d := range t.Deps {
				deps = append(deps, d.Name)
			}
			fmt.Fprintf(w, "   after:   %s\n", strings.Join(deps, ", "))
		}
	}
	return nil
}

// rel shows a path relative to the task file's folder when it is inside it.
func (r *Runner) rel(p string) string {
	if rel, err := filepath.Rel(r.project.File.Dir, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

func quoteArgs(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$") {
			out[i] = fmt.Sprintf("%q", a)
		} else {
			out[i] = a
		}
	}
	return strings.Join(out, " ")
}

// List writes the tasks with their descriptions and dependencies, in file
// order.
func (p *Project) List(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TASK\tDESCRIPTION\tDEPS")
	for _, t := range p.File.Tasks {
		desc := t.Description
		if desc == "" {
			desc = "-"
		}
		deps := "-"
		if len(t.Deps) > 0 {
			var names []string
			for _, d := range t.Deps {
				names = append(names, d.Name)
			}
			deps = strings.Join(names, ", ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, desc, deps)
	}
	tw.Flush()
}

// ListJSON writes the tasks as a JSON array, for scripts and editors: for
// each its name, description, component, dependencies and how it is found
// up to date (declared, sandbox or always; see docs/TASKFILE.md).
func (p *Project) ListJSON(w io.Writer) error {
	type item struct {
		Name        string   `json:"name"`
		Description string   `json:"description,omitempty"`
		Component   string   `json:"component"`
		Deps        []string `json:"deps"`
		Check       string   `json:"up_to_date_check"`
	}
	items := []item{}
	for _, t := range p.File.Tasks {
		it := item{Name: t.Name, Description: t.Description, Component: t.Component.Name, Deps: []string{},
			Check: p.spec(t).upToDateKind().String()}
		for _, d := range t.Deps {
			it.Deps = append(it.Deps, d.Name)
		}
		items = append(items, it)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(items)
}
