package tasks

// upToDateCheck is the outcome of checking a task before it runs.
type upToDateCheck struct {
	// fingerprint is set for tasks with inputs: it is recorded after a
	// successful run.
	fingerprint string
	upToDate    bool
}

// checkUpToDate decides whether a task with inputs can be skipped: its
// fingerprint (program, settings, input contents) and the content of its
// outputs must match what its last successful run recorded. Tasks without
// inputs always run.
func (r *Runner) checkUpToDate(s *spec) (upToDateCheck, error) {
	if len(s.task.Inputs) == 0 {
		return upToDateCheck{}, nil
	}
	// The engine remembers the digest, so the run that follows neither
	// reads nor hashes the program again.
	programDigest, err := r.engine.Digest(s.program)
	if err != nil {
		return upToDateCheck{}, err
	}
	fp, err := s.fingerprint(r.project.File.Dir, programDigest)
	if err != nil {
		return upToDateCheck{}, err
	}
	c := upToDateCheck{fingerprint: fp}
	if r.opts.Force {
		return c, nil
	}
	outputs, err := s.outputsDigest(r.project.File.Dir)
	if err != nil {
		return upToDateCheck{}, err
	}
	c.upToDate = r.state.upToDate(s.task.Name, fp, outputs)
	return c, nil
}

// recordSuccess stores what a successful run saw, so that the next run can
// skip the task if nothing changes.
func (r *Runner) recordSuccess(s *spec, fingerprint string) error {
	outputs, err := s.outputsDigest(r.project.File.Dir)
	if err != nil {
		return err
	}
	return r.state.record(s.task.Name, &taskRecord{Inputs: fingerprint, Outputs: outputs})
}
