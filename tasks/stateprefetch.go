package tasks

import (
	"encoding/json"
	"io"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/wasmtasks/wasmtasks/internal/filestamp"
	"github.com/wasmtasks/wasmtasks/internal/safefs"
)

// statePrefetch decodes a project's state file on another goroutine while
// its task file is parsed: for a project of thousands of tasks both take
// tens of milliseconds, one after the other otherwise.
//
// The project's read-write mounts are not known yet, so what it read is
// only a guess: the run opens the state file through its own guard as
// always and takes the decoded state only when the file it opened is the
// one read here, unchanged (same device, inode, size, mtime and ctime;
// the state is replaced by renaming, never written in place).
type statePrefetch struct {
	done  chan struct{}
	once  sync.Once
	stamp filestamp.Stamp
	st    state
	ok    bool
}

// prefetchState starts decoding the state file of the project in dir.
func prefetchState(dir string) *statePrefetch {
	p := &statePrefetch{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		// Through a guard of the project folder, as the run reads it: a
		// symlink planted there would otherwise have every start read
		// whatever file it names.
		d, err := safefs.NewGuard(dir).OpenDir(filepath.Join(dir, stateDir))
		if err != nil {
			return
		}
		defer d.Close()
		f, err := d.Open("state.json") // a regular file, opened without blocking
		if err != nil {
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil || fi.Size() > maxStateBytes {
			return
		}
		// Without a reliable stamp the run cannot tell this file from a
		// later one and decodes it again: decoding here would be waste.
		if p.stamp = filestamp.Of(fi); !p.stamp.Reliable() {
			return
		}
		p.st, p.ok = decodeState(f)
	}()
	return p
}

// take returns the prefetched state if it was decoded from the file whose
// stamp is stamp; it answers once, and only for a reliable stamp.
func (p *statePrefetch) take(stamp filestamp.Stamp) (st state, ok bool) {
	if p == nil || !stamp.Reliable() {
		return state{}, false
	}
	p.once.Do(func() {
		<-p.done
		st, ok = p.st, p.ok && p.stamp == stamp
		p.st = state{}
	})
	return st, ok
}

// stateDecodes counts the state files decoded, for tests.
var stateDecodes atomic.Int64

// decodeState reads a state file; false if it is too large, unreadable,
// or not of this version.
func decodeState(r io.Reader) (state, bool) {
	stateDecodes.Add(1)
	b, err := io.ReadAll(io.LimitReader(r, maxStateBytes+1))
	if err != nil || len(b) > maxStateBytes {
		return state{}, false
	}
	var got state
	if json.Unmarshal(b, &got) != nil || got.Version != stateVersion || got.Tasks == nil {
		return state{}, false
	}
	return got, true
}
