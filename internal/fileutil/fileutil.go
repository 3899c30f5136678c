// Package fileutil reads files that someone else may have replaced with
// something that is not a file: a named pipe that blocks a reader forever,
// or a device like /dev/zero that never ends. Every read here opens without
// blocking, checks that it got a regular file, and bounds what it reads.
package fileutil

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrNotRegular is wrapped by the error for a path that names a named pipe,
// a device, a socket or a folder instead of a regular file.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is wrapped by the error for a file larger than the caller's
// bound.
var ErrTooLarge = errors.New("file too large")

// OpenRegular opens path for reading without blocking on a named pipe and
// returns the file only when it is a regular file. With noFollow, a symbolic
// link as the last element of path is refused too. The caller closes the
// file.
func OpenRegular(path string, noFollow bool) (*os.File, os.FileInfo, error) {
	f, err := openNonBlocking(path, noFollow)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s: %w (it is %s)", path, ErrNotRegular, describeMode(fi.Mode()))
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fi, nil
}

// ReadRegular returns the content of the regular file at path, refusing
// anything else and any file of more than max bytes. It follows symbolic
// links unless noFollow is set.
func ReadRegular(path string, max int64, noFollow bool) ([]byte, error) {
	f, fi, err := OpenRegular(path, noFollow)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAll(f, fi, max)
}

// ReadAll reads the opened regular file f (fi is its FileInfo) whole, if it
// has at most max bytes. A file that grows while it is read is cut at max+1
// bytes and refused.
func ReadAll(f *os.File, fi os.FileInfo, max int64) ([]byte, error) {
	if fi.Size() > max {
		return nil, fmt.Errorf("%s: %w: %d bytes, at most %d allowed", f.Name(), ErrTooLarge, fi.Size(), max)
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: %w: it grew past %d bytes while read", f.Name(), ErrTooLarge, max)
	}
	return b, nil
}

func describeMode(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeCharDevice != 0, m&os.ModeDevice != 0:
		return "a device"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a folder"
	case m&os.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}
