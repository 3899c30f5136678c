package safefs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is matched (with errors.Is) by the error that refuses a
// named pipe (which would block a reader forever), a device (/dev/zero
// never ends), a socket, a folder or a symbolic link where a regular file
// is expected.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is wrapped by the error for a file larger than the caller's
// bound.
var ErrTooLarge = errors.New("file too large")

// notRegular refuses a file of the wrong type.
type notRegular struct {
	path string
	mode fs.FileMode
}

func (e *notRegular) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file; remove it or name a regular file", e.path, describeMode(e.mode))
}

func (e *notRegular) Is(target error) bool { return target == ErrNotRegular }

func describeMode(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&(fs.ModeDevice|fs.ModeCharDevice) != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a folder"
	}
	return "a special file"
}

// statRegular returns what the open file f is, or closes f and refuses it
// with an error matching [ErrNotRegular] when it is not a regular file.
// path names f in the error. Every regular-file open of the package ends
// here, after an open that cannot block (O_NONBLOCK).
func statRegular(f *os.File, path string) (fs.FileInfo, error) {
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = &notRegular{path: path, mode: fi.Mode()}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return fi, nil
}

// OpenRegular opens path for reading without blocking on a named pipe and
// returns the file only when it is a regular file. With noFollow, a symbolic
// link as the last element of path is refused too. Unlike [Guard.OpenFile]
// it applies no rule to the symlinks on the way: for files no guest can
// write (program files, the store's own). The caller closes the file.
func OpenRegular(path string, noFollow bool) (*os.File, fs.FileInfo, error) {
	f, err := openNonBlocking(path, noFollow)
	if err != nil {
		return nil, nil, err
	}
	fi, err := statRegular(f, path)
	if err != nil {
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
func ReadAll(f *os.File, fi fs.FileInfo, max int64) ([]byte, error) {
	if fi.Size() > max {
		return nil, fmt.Errorf("%s: %w: %d bytes, at most %d allowed", f.Name(), ErrTooLarge, fi.Size(), max)
	}
	b, err := readSized(f, fi.Size(), max)
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s: %w: it grew past %d bytes while read", f.Name(), ErrTooLarge, max)
	}
	return b, nil
}

// readSized reads f to its end, or to max+1 bytes, into a buffer made for
// size bytes (and the read that finds the end): a large file is not read
// through ever larger buffers, each of which costs fresh pages
// (io.ReadAll's growth took 2–3 times the size).
func readSized(f *os.File, size, max int64) ([]byte, error) {
	b := make([]byte, 0, min(size, max)+1)
	for int64(len(b)) <= max {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // the file grew since its stat
		}
		n, err := f.Read(b[len(b):min(int64(cap(b)), max+1)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return b, nil
}
