package tasks

import (
	"errors"
	"maps"
)

// errInputsChanged is why a run is not recorded when its inputs changed
// while it ran.
var errInputsChanged = errors.New("inputs changed while the task ran; it runs again next time")

// upToDateCheck is the outcome of checking a task before it runs.
type upToDateCheck struct {
	// fingerprint is set for tasks with inputs: it is recorded after a
	// successful run if the inputs are still the same then.
	fingerprint string
	upToDate    bool
	// files is what the check learnt of each file, for the record.
	files map[string]fileRecord
}

// checkUpToDate decides whether a task with inputs can be skipped: its
// fingerprint (program, settings, input contents) and the content of its
// outputs must match what its last successful run recorded. Tasks without
// inputs always run. Files whose stamps are unchanged since they were
// recorded are not read again.
func (r *Runner) checkUpToDate(s *spec) (upToDateCheck, error) {
	if len(s.task.Inputs) == 0 {
		return upToDateCheck{}, nil
	}
	rec, recorded := r.state.get(s.task.Name)
	d := newDigester(r.project.File.Dir, rec.Files)
	fp, err := r.fingerprint(s, d)
	if err != nil {
		return upToDateCheck{}, err
	}
	c := upToDateCheck{fingerprint: fp, files: d.seen}
	if r.opts.Force || !recorded || rec.Inputs != fp {
		return c, nil
	}
	outputs, err := s.outputsDigest(d)
	if err != nil {
		return upToDateCheck{}, err
	}
	c.upToDate = outputs == rec.Outputs
	if c.upToDate && d.hashed {
		// Files hashed again because their stamps were too new to trust
		// are trusted from now on.
		rec.Files = d.seen
		r.state.set(s.task.Name, &rec)
	}
	return c, nil
}

// fingerprint digests the task's program, settings and inputs.
func (r *Runner) fingerprint(s *spec, d *digester) (string, error) {
	// The engine remembers the digest, so the run that follows neither
	// reads nor hashes the program again.
	programDigest, err := r.engine.Digest(s.program)
	if err != nil {
		return "", err
	}
	return s.fingerprint(d, programDigest)
}

// recordSuccess stores what a successful run saw, so that the next run can
// skip the task if nothing changes. If the inputs are no longer what the
// check before the run saw (the task or another process changed them
// meanwhile), the outputs may come from other inputs: the task's record is
// dropped instead, and the next run runs it.
func (r *Runner) recordSuccess(s *spec, check upToDateCheck) error {
	d := newDigester(r.project.File.Dir, maps.Clone(check.files))
	fp, err := r.fingerprint(s, d)
	if err != nil {
		return err
	}
	if fp != check.fingerprint {
		r.state.set(s.task.Name, nil)
		return errInputsChanged
	}
	outputs, err := s.outputsDigest(d)
	if err != nil {
		return err
	}
	r.state.set(s.task.Name, &taskRecord{Inputs: fp, Outputs: outputs, Files: d.seen})
	return nil
}
