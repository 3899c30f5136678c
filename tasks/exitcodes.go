package tasks

import (
	"errors"

	"github.com/wasmtasks/wasmtasks/runner"
)

// exitStatus applies the task's exit_codes to the error of its run: an exit
// with a listed status is success, and a clean exit is a failure when 0 is
// not listed. A program that was stopped or trapped failed either way.
func (s *spec) exitStatus(err error) error {
	codes := s.settings.ExitCodes
	var ee *runner.ExitError
	switch {
	case err == nil && !codes.Contains(0):
		return &runner.ExitError{Code: 0, Program: s.program}
	case errors.As(err, &ee) && ee.ExitCode() >= 0 && codes.Contains(ee.ExitCode()):
		return nil
	}
	return err
}
