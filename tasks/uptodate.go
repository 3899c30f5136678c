package tasks

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"sort"

	"github.com/wasmtasks/wasmtasks/schema"
)

// errInputsChanged is why a run is not recorded when its inputs changed
// while it ran.
var errInputsChanged = errors.New("inputs changed while the task ran; it runs again next time")

// upToDateCheck is the outcome of checking a task before it runs.
type upToDateCheck struct {
	// fingerprint is set for tasks that can be up to date: it is
	// recorded after a successful run if what the task reads is still
	// the same then.
	fingerprint string
	upToDate    bool
}

// outputFile is one file a run left behind, as a cache of task results
// would restore it.
type outputFile struct {
	Path   string // slash path relative to the project (absolute outside it)
	SHA256 string // of the content; "" for a symlink
	Exec   bool   // the executable bit
	Link   string // a symlink's text
}

// checkUpToDate decides whether a task can be skipped (see
// [spec.upToDateKind]): its fingerprint (program, settings, what it reads)
// and the content of its outputs must match what its last successful run
// recorded. Files whose stamps are unchanged since the index recorded them
// are not read again.
func (r *Runner) checkUpToDate(s *spec) (upToDateCheck, error) {
	kind := s.upToDateKind()
	if kind == kindAlways {
		return upToDateCheck{}, nil
	}
	rec, recorded := r.state.get(s.task.Name)
	d := newDigester(r.project.File.Dir, &r.state)
	defer r.state.learn(d.seen)
	fp, err := r.fingerprint(s, kind, d)
	if err != nil {
		return upToDateCheck{}, err
	}
	c := upToDateCheck{fingerprint: fp}
	if r.opts.Force || !recorded || rec.Inputs != fp {
		return c, nil
	}
	outputs, _, err := r.outputsOf(s, kind, d)
	if err != nil {
		return upToDateCheck{}, err
	}
	c.upToDate = outputs == rec.Outputs
	return c, nil
}

// recordSuccess stores what a successful run saw, so that the next run can
// skip the task if nothing changes. If what it reads is no longer what the
// check before the run saw (the task or another process changed it
// meanwhile), the outputs may come from other inputs: the task's record is
// dropped instead, and the next run runs it. It returns the files the
// task left.
func (r *Runner) recordSuccess(s *spec, check upToDateCheck) ([]outputFile, error) {
	kind := s.upToDateKind()
	d := newDigester(r.project.File.Dir, &r.state)
	defer r.state.learn(d.seen)
	fp, err := r.fingerprint(s, kind, d)
	if err != nil {
		return nil, err
	}
	if fp != check.fingerprint {
		r.state.set(s.task.Name, nil)
		return nil, errInputsChanged
	}
	outputs, list, err := r.outputsOf(s, kind, d)
	if err != nil {
		return nil, err
	}
	r.state.set(s.task.Name, &taskRecord{Inputs: fp, Outputs: outputs})
	return list, nil
}

// fingerprint digests everything that decides what a task does: its kind
// of check, program, every setting (see [writeSettings]), the environment
// with the values of inherited host variables, the clock of reproducible
// mode, and what it reads: its declared inputs, or its stdin file and
// everything under its read-only folders. Paths in it are relative to the
// project, so that two checkouts of one project agree.
func (r *Runner) fingerprint(s *spec, kind upToDateKind, d *digester) (string, error) {
	// The engine remembers the digest, so the run that follows neither
	// reads nor hashes the program again.
	programDigest, err := r.engine.Digest(s.program)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "kind %s\nprogram %s\nsettings ", kind, programDigest)
	writeSettings(h, s.settings)
	env := append([]string{}, s.env...)
	sort.Strings(env)
	for _, e := range env {
		fmt.Fprintf(h, "\nenv %q", e)
	}
	fmt.Fprintln(h)
	if rp := s.settings.Reproducible; rp != nil && *rp {
		repro, err := reproducible(s.task.Name, s.env)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "clock %d\n", repro.Clock.Unix())
	}
	if kind == kindSandbox {
		return r.sandboxFingerprint(h, s, d)
	}
	inputs, err := d.glob(patterns(s.task.Inputs))
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

// sandboxFingerprint adds what a task without declared inputs can read:
// its stdin file and everything under its read-only folders.
func (r *Runner) sandboxFingerprint(h hash.Hash, s *spec, d *digester) (string, error) {
	if in := s.settings.Stdin; in.Mode == schema.StreamFile {
		if err := r.digestPath(h, "stdin", in.File.Abs, d, nil); err != nil {
			return "", fmt.Errorf("stdin: %w", err)
		}
	}
	if err := r.newTreeWalk(s, d).side(h, false, nil); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// outputsOf digests what the task left behind and lists it: its declared
// outputs, or everything under its read-write folders and its output
// files.
func (r *Runner) outputsOf(s *spec, kind upToDateKind, d *digester) (string, []outputFile, error) {
	var list []outputFile
	h := sha256.New()
	if kind == kindSandbox {
		if err := r.newTreeWalk(s, d).side(h, true, &list); err != nil {
			return "", nil, err
		}
		for _, f := range s.outputFiles() {
			if err := r.digestPath(h, "output", f, d, &list); err != nil {
				return "", nil, err
			}
		}
		return hex.EncodeToString(h.Sum(nil)), list, nil
	}
	files, err := d.glob(patterns(s.task.Outputs))
	if err != nil {
		return "", nil, err
	}
	sum, err := d.digestFiles(files)
	if err != nil {
		return "", nil, err
	}
	list, err = d.list(files)
	return sum, list, err
}

// digestPath writes a line for the file at abs (followed if a symlink
// outside a task's folders names it): missing, or its content and
// executable bit; the file is added to list if not nil.
func (r *Runner) digestPath(h io.Writer, what, abs string, d *digester, list *[]outputFile) error {
	key := fileKey(r.project.File.Dir, abs)
	fi, err := os.Stat(abs)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(h, "%s missing %q\n", what, key)
		return nil
	}
	if err != nil {
		return err
	}
	open := func() (*os.File, error) { return r.guard.OpenFile(abs) }
	sum, err := d.content(key, fi, open)
	if err != nil {
		return err
	}
	exec := fi.Mode()&0o111 != 0
	fmt.Fprintf(h, "%s %s %t %q\n", what, sum, exec, key)
	if list != nil {
		*list = append(*list, outputFile{Path: key, SHA256: sum, Exec: exec})
	}
	return nil
}

func patterns(gs []schema.Glob) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Pattern
	}
	return out
}
