package tasks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/wasmtasks/wasmtasks/internal/filelock"
	"github.com/wasmtasks/wasmtasks/internal/safefs"
	"github.com/wasmtasks/wasmtasks/internal/tempfile"
	"github.com/wasmtasks/wasmtasks/schema"
)

// stateDir is the folder next to the task file where wasmtasks keeps what
// it knows about past runs.
const stateDir = ".wasmtasks"

// state is the content of .wasmtasks/state.json: for each task that has
// inputs, what its last successful run saw.
type state struct {
	Version int                   `json:"version"`
	Tasks   map[string]taskRecord `json:"tasks"`
}

type taskRecord struct {
	// Inputs covers the program, its settings and the content of every
	// input file; Outputs the content of every output file after the run.
	Inputs  string `json:"inputs"`
	Outputs string `json:"outputs"`
	// Files has the stamp and digest of every input and output file, so
	// that the next check reads only the files that changed.
	Files map[string]fileRecord `json:"files,omitempty"`
}

const stateVersion = 2

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
}

// maxStateBytes bounds the state file read: about 1 KiB a task for 50,000
// tasks with many files each, and far from what a planted /dev/zero gives.
const maxStateBytes = 256 << 20

// load returns the recorded state; a missing, unreadable or oversized file
// is an empty state (every task then simply runs).
func (s stateFile) load() state {
	d, err := s.guard.OpenDir(s.dir)
	if err != nil {
		return emptyState()
	}
	defer d.Close()
	return s.loadFrom(d)
}

func emptyState() state { return state{Version: stateVersion, Tasks: map[string]taskRecord{}} }

func (s stateFile) loadFrom(d *safefs.Dir) state {
	f, err := d.Open("state.json")
	if err != nil {
		return emptyState()
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxStateBytes+1))
	if err != nil || len(b) > maxStateBytes {
		return emptyState()
	}
	var got state
	if json.Unmarshal(b, &got) != nil || got.Version != stateVersion || got.Tasks == nil {
		return emptyState()
	}
	return got
}

// record stores a task's record, or removes it when rec is nil.
func (s stateFile) record(task string, rec *taskRecord) error {
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
	st := s.loadFrom(d)
	if rec == nil {
		delete(st.Tasks, task)
	} else {
		st.Tasks[task] = *rec
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return tempfile.WriteIn(d.Root(), "state.json", append(b, '\n'), 0o644)
}

// fingerprint digests everything that decides what a task does: its
// program, every setting (see [writeSettings]), the environment with the
// values of inherited host variables, and its input files.
func (s *spec) fingerprint(d *digester, programDigest string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "program %s\nsettings ", programDigest)
	writeSettings(h, s.settings)
	env := append([]string{}, s.env...)
	sort.Strings(env)
	for _, e := range env {
		fmt.Fprintf(h, "\nenv %q", e)
	}
	fmt.Fprintln(h)
	inputs, err := expandGlobs(d.root, patterns(s.task.Inputs))
	if err != nil {
		return "", err
	}
	sum, err := d.digestFiles(inputs)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "inputs %s\n", sum)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// outputsDigest digests the task's output files as they are now.
func (s *spec) outputsDigest(d *digester) (string, error) {
	outputs, err := expandGlobs(d.root, patterns(s.task.Outputs))
	if err != nil {
		return "", err
	}
	return d.digestFiles(outputs)
}

func patterns(gs []schema.Glob) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Pattern
	}
	return out
}
