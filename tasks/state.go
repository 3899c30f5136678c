package tasks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/wasmtasks/wasmtasks/internal/filelock"
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
// so a crash never leaves half a state file.
type stateFile struct {
	dir string
}

func (s stateFile) path() string { return filepath.Join(s.dir, "state.json") }

// load returns the recorded state; a missing or unreadable file is an
// empty state (every task then simply runs).
func (s stateFile) load() state {
	st := state{Version: stateVersion, Tasks: map[string]taskRecord{}}
	b, err := os.ReadFile(s.path())
	if err != nil {
		return st
	}
	var got state
	if json.Unmarshal(b, &got) != nil || got.Version != stateVersion || got.Tasks == nil {
		return st
	}
	return got
}

// record stores a task's record, or removes it when rec is nil.
func (s stateFile) record(task string, rec *taskRecord) error {
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return err
	}
	unlock, err := filelock.Lock(filepath.Join(s.dir, "state.lock"))
	if err != nil {
		return err
	}
	defer unlock()
	st := s.load()
	if rec == nil {
		delete(st.Tasks, task)
	} else {
		st.Tasks[task] = *rec
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(s.path(), append(b, '\n'))
}

// writeFileAtomic writes data to a temporary file beside path, syncs it
// and renames it over path.
func writeFileAtomic(path string, data []byte) error {
	return tempfile.Write(filepath.Dir(path), ".tmp-*", data, func(tmp string) error { return os.Rename(tmp, path) })
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
