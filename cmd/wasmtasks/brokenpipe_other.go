//go:build !unix

package main

import (
	"errors"
	"syscall"
)

// isBrokenPipe reports a write to a pipe whose reader is gone (Windows
// reports it as ERROR_BROKEN_PIPE or ERROR_NO_DATA; Go maps neither to
// EPIPE, so they are named here).
func isBrokenPipe(err error) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	const errorBrokenPipe, errorNoData = 109, 232
	return errno == syscall.EPIPE || errno == errorBrokenPipe || errno == errorNoData
}
