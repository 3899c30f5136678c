package tasks

import (
	"encoding/json"
	"maps"
	"sync"
	"sync/atomic"

	"github.com/wasmtasks/wasmtasks/internal/filelock"
	"github.com/wasmtasks/wasmtasks/internal/filestamp"
	"github.com/wasmtasks/wasmtasks/internal/safefs"
	"github.com/wasmtasks/wasmtasks/internal/tempfile"
)

// stateDir is the folder next to the task file where wasmtasks keeps what
// it knows about past runs.
const stateDir = ".wasmtasks"

// state is the content of .wasmtasks/state.json: for each task that can be
// up to date, what its last successful run saw, and the project's index of
// file identities.
type state struct {
	Version int                   `json:"version"`
	Tasks   map[string]taskRecord `json:"tasks"`
	// Files is the index of every file a check hashed, by key (see
	// [fileKey]), shared by all tasks: many tasks mounting one tree
	// keep one entry per file, not one each.
	Files map[string]fileRecord `json:"files,omitempty"`
}

type taskRecord struct {
	// Inputs is the task's fingerprint: program, settings and what it
	// reads; Outputs the digest of what it left after the run.
	Inputs  string `json:"inputs"`
	Outputs string `json:"outputs"`
}

const stateVersion = 3

// stateWrites counts the writes of state files, for tests.
var stateWrites atomic.Int64

// stateFile reads and writes the state file. Updates hold an exclusive
// lock on a file beside it, so two wasmtasks processes on one project never
// lose each other's records, and go through a temporary file and a rename,
// so a crash never leaves half a state file. A task with a read-write mount
// of the project can reach the folder, so it is opened through the guard
// (a symlink planted there is refused) and only regular files of bounded
// size are read.
type stateFile struct {
	dir   string
	guard *safefs.Guard
	// prefetch, if not nil, may hold the state file already decoded.
	prefetch *statePrefetch
}

// maxStateBytes bounds the state file read: about 1 KiB a task for 50,000
// tasks with many files each, and far from what a planted /dev/zero gives.
const maxStateBytes = 256 << 20

// load returns the recorded state; a missing, unreadable or oversized file
// is an empty state (every task then simply runs).
func (s stateFile) load() state {
	st, _ := s.loadStamped()
	return st
}

// loadStamped is load that also returns the stamp of the file it read.
func (s stateFile) loadStamped() (state, filestamp.Stamp) {
	d, err := s.guard.OpenDir(s.dir)
	if err != nil {
		return emptyState(), filestamp.Stamp{}
	}
	defer d.Close()
	return s.loadFrom(d, nil)
}

func emptyState() state { return state{Version: stateVersion, Tasks: map[string]taskRecord{}} }

// loadFrom reads state.json in the state folder d, with the stamp of the
// file read; known, if not nil, is the state as decoded earlier, taken
// (copied) when the file is still the one it came from.
func (s stateFile) loadFrom(d *safefs.Dir, known *knownState) (state, filestamp.Stamp) {
	f, err := d.Open("state.json")
	if err != nil {
		return emptyState(), filestamp.Stamp{}
	}
	defer f.Close()
	var stamp filestamp.Stamp
	if fi, err := f.Stat(); err == nil {
		stamp = filestamp.Of(fi)
		if known != nil && stamp.Reliable() && known.stamp == stamp {
			return known.st.clone(), stamp
		}
		if st, ok := s.prefetch.take(stamp); ok {
			return st, stamp
		}
	}
	st, ok := decodeState(f)
	if !ok {
		return emptyState(), stamp
	}
	return st, stamp
}

// knownState is a state file as decoded earlier, with the stamp of the
// file it was decoded from: an update finding that very file again (the
// state is only ever replaced by renaming) takes it instead of decoding
// the file again, tens of milliseconds for thousands of tasks.
type knownState struct {
	st    *state
	stamp filestamp.Stamp
}

// clone copies the state's maps, so an update can change them while the
// run's readers still see the state as it was read.
func (st *state) clone() state {
	return state{Version: st.Version, Tasks: maps.Clone(st.Tasks), Files: maps.Clone(st.Files)}
}

func (s stateFile) record(task string, rec *taskRecord) error {
	return s.update(map[string]*taskRecord{task: rec}, nil, nil)
}

// update applies changes (a nil record removes the task's) and the file
// records learnt to the state file in one write: under the lock it reads
// the file again, so records that another process wrote meanwhile are
// kept.
func (s stateFile) update(changes map[string]*taskRecord, learnt map[string]fileRecord, known *knownState) error {
	d, err := s.guard.MkdirAll(s.dir)
	if err != nil {
		return err
	}
	defer d.Close()
	lf, err := d.OpenRW("state.lock", 0o644)
	if err != nil {
		return err
	}
	unlock, err := filelock.LockOpen(lf)
	if err != nil {
		return err
	}
	defer unlock()
	st, _ := s.loadFrom(d, known)
	for task, rec := range changes {
		if rec == nil {
			delete(st.Tasks, task)
		} else {
			st.Tasks[task] = *rec
		}
	}
	st.Files = mergeIndex(st.Files, learnt, today(), indexMaxFiles)
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	stateWrites.Add(1)
	return tempfile.WriteIn(d.Root(), "state.json", append(b, '\n'), 0o644)
}

// stateCache keeps the state file in memory for a Runner, so that a run
// of N tasks reads it once and writes it once instead of N times each
// (issue 15: per-task rewrites made runs quadratic in N). Records change in
// memory and reach the file at [stateCache.flush], which a Run calls when
// its tasks are done; a crash before that loses only the records of that
// run (their tasks run again), never the old state or half a file.
//
// Why not an embedded database such as bbolt: the state folder is inside
// the project, where a task with a read-write mount can write; bbolt maps
// its file into memory, so a guest truncating or scribbling on it could
// crash wasmtasks (SIGBUS, or a panic on a bad page), its open follows
// symlinks, and its file lock is held as long as the database is open, so
// a second wasmtasks process on the project would wait for the first to
// finish. One bounded read and one atomic rewrite per run keep the safefs
// rules and cost O(N) per run.
type stateCache struct {
	file stateFile

	mu      sync.Mutex
	cur     *state                 // as last read, never changed; nil: read on first need
	stamp   filestamp.Stamp        // of the file cur was read from
	pending map[string]*taskRecord // changes not yet written; nil removes
	learnt  map[string]fileRecord  // index entries not yet written
}

// reload makes the next lookup read the file again, to see what other
// processes recorded since; changes not yet written are kept.
func (c *stateCache) reload() {
	c.mu.Lock()
	c.cur = nil
	c.mu.Unlock()
}

// get returns the task's record, reading the file on first need.
func (c *stateCache) get(task string) (taskRecord, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rec, ok := c.pending[task]; ok {
		if rec == nil {
			return taskRecord{}, false
		}
		return *rec, true
	}
	rec, ok := c.loaded().Tasks[task]
	return rec, ok
}

// loaded returns the state, reading the file on first need; c.mu is held.
func (c *stateCache) loaded() *state {
	if c.cur == nil {
		st, stamp := c.file.loadStamped()
		c.cur, c.stamp = &st, stamp
	}
	return c.cur
}

// set records the task's record in memory, or its removal when rec is nil.
func (c *stateCache) set(task string, rec *taskRecord) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		c.pending = map[string]*taskRecord{}
	}
	c.pending[task] = rec
}

// flush writes the changes made since the last flush, if any, in one
// update of the file.
func (c *stateCache) flush() error {
	c.mu.Lock()
	changes, learnt := c.pending, c.learnt
	c.pending, c.learnt = nil, nil
	var known *knownState
	if c.cur != nil {
		known = &knownState{st: c.cur, stamp: c.stamp}
	}
	c.mu.Unlock()
	if len(changes) == 0 && len(learnt) == 0 {
		return nil
	}
	if err := c.file.update(changes, learnt, known); err != nil {
		c.mu.Lock()
		c.keepLearnt(learnt)
		for task, rec := range changes { // keep them for a later flush
			if _, newer := c.pending[task]; !newer {
				if c.pending == nil {
					c.pending = map[string]*taskRecord{}
				}
				c.pending[task] = rec
			}
		}
		c.mu.Unlock()
		return err
	}
	return nil
}
