package tasks

import (
	"path/filepath"
	"slices"
	"sync"

	"github.com/wasmtasks/wasmtasks/schema"
)

// outputLocks serialise the tasks of a Runner that write one output file:
// each task starts from what the file holds (when appending) and renames
// its own version into place when it ends, so two at once would lose the
// first one's lines. The zero value is ready to use.
type outputLocks struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

// lock takes the lock of every path, in sorted order so that two tasks
// that share several files cannot deadlock, and returns what releases
// them.
func (l *outputLocks) lock(paths []string) (unlock func()) {
	slices.Sort(paths)
	paths = slices.Compact(paths)
	held := make([]*sync.Mutex, 0, len(paths))
	for _, p := range paths {
		m := l.get(p)
		m.Lock()
		held = append(held, m)
	}
	return func() {
		for _, m := range slices.Backward(held) {
			m.Unlock()
		}
	}
}

func (l *outputLocks) get(path string) *sync.Mutex {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.locks == nil {
		l.locks = map[string]*sync.Mutex{}
	}
	m, ok := l.locks[path]
	if !ok {
		m = &sync.Mutex{}
		l.locks[path] = m
	}
	return m
}

// outputFiles are the files the task's stdout and stderr go to.
func (s *spec) outputFiles() []string {
	var paths []string
	for _, o := range []*schema.Output{s.settings.Stdout, s.settings.Stderr} {
		if o.Mode == schema.StreamFile {
			paths = append(paths, filepath.Clean(o.File.Abs))
		}
	}
	return paths
}
