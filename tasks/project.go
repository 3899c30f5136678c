package tasks

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/schema"
)

// Project is a loaded task file: its tasks by name and in file order.
type Project struct {
	File  *schema.File
	tasks map[string]*schema.Task
	comps map[string]*schema.Component
	// merged holds each task's settings (see [Project.settings]), merged
	// once: a run of thousands of tasks asks for them several times each.
	merged map[*schema.Task]schema.Settings

	// state, if not nil, is the state file being decoded since Load.
	state *statePrefetch

	mu       sync.Mutex
	programs map[string]resolved      // by component, once Resolve obtained them
	folders  map[string]archiveFolder // archive folders by folderKey
}

// Load reads and validates the task file at path. Its problems come back as
// schema.Errors, which print as FILE:LINE:COL lines and exit with status 2.
func Load(path string) (*Project, error) {
	state := prefetchState(filepath.Dir(path))
	f, err := schema.Load(path)
	if err != nil {
		return nil, err
	}
	p := NewProject(f)
	p.state = state
	return p, nil
}

// NewProject wraps a validated task file.
func NewProject(f *schema.File) *Project {
	p := &Project{File: f, tasks: make(map[string]*schema.Task, len(f.Tasks)), comps: map[string]*schema.Component{},
		merged:   make(map[*schema.Task]schema.Settings, len(f.Tasks)),
		programs: map[string]resolved{}, folders: map[string]archiveFolder{}}
	base := map[string]schema.Settings{}
	for _, c := range f.Components {
		p.comps[c.Name] = c
		base[c.Name] = schema.Defaults().Merge(c.Settings)
	}
	for _, t := range f.Tasks {
		p.tasks[t.Name] = t
		p.merged[t] = base[t.Component.Name].Merge(t.Settings)
	}
	return p
}

// Tasks returns the tasks in file order.
func (p *Project) Tasks() []*schema.Task { return p.File.Tasks }

// plan returns the named tasks and everything they depend on, dependencies
// before the tasks that need them; no names means every task.
func (p *Project) plan(names []string) ([]*schema.Task, error) {
	if len(names) == 0 {
		for _, t := range p.File.Tasks {
			names = append(names, t.Name)
		}
	}
	var order []*schema.Task
	seen := map[string]bool{}
	var visit func(t *schema.Task)
	visit = func(t *schema.Task) {
		if seen[t.Name] {
			return
		}
		seen[t.Name] = true
		for _, d := range t.Deps {
			visit(p.tasks[d.Name])
		}
		order = append(order, t)
	}
	for _, n := range names {
		t, ok := p.tasks[n]
		if !ok {
			return nil, &UsageError{fmt.Sprintf("no task %q in %s%s", n, p.File.Path, p.knownTasks())}
		}
		visit(t)
	}
	return order, nil
}

func (p *Project) knownTasks() string {
	if len(p.File.Tasks) == 0 {
		return "; it defines no tasks"
	}
	var names []string
	for _, t := range p.File.Tasks {
		names = append(names, t.Name)
	}
	return "; tasks: " + strings.Join(names, ", ")
}

// roots are the folders in which a task could have planted a symlink: the
// project folder and the host folder of every read-write mount in the file
// (any task's, since one task's plant can wait for another's run).
func (p *Project) roots() []string {
	roots := []string{p.File.Dir}
	add := func(dirs []*schema.Dir) {
		for _, d := range dirs {
			if !d.ReadOnly {
				roots = append(roots, d.Host.Abs)
			}
		}
	}
	for _, c := range p.File.Components {
		add(c.Dirs)
	}
	for _, t := range p.File.Tasks {
		add(t.Dirs)
	}
	return roots
}

// UsageError is a mistake in how wasmtasks was called, such as an unknown
// task name; it exits with status 2 (exitcode.Usage).
type UsageError struct{ Msg string }

func (e *UsageError) Error() string   { return e.Msg }
func (e *UsageError) ExitStatus() int { return exitcode.Usage }
