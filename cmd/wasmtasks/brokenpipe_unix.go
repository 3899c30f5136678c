//go:build unix

package main

import (
	"errors"
	"syscall"
)

// isBrokenPipe reports a write to a pipe whose reader is gone.
func isBrokenPipe(err error) bool { return errors.Is(err, syscall.EPIPE) }
