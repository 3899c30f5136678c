package source

import (
	"github.com/wasmtasks/wasmtasks/internal/exitcode"

	"errors"
	"fmt"
)

// The kinds of failure, matched with errors.Is. Every error of this package
// reports exit status 2: nothing can run until the source, the network or
// the lock is fixed.
var (
	// ErrDownload: the server could not be reached, answered with an
	// error status, or closed the connection before the whole body came.
	ErrDownload = errors.New("download failed")
	// ErrDigest: what was downloaded is not what the task file's sha256 names.
	ErrDigest = errors.New("wrong digest")
	// ErrNotWasm: the program does not start with WebAssembly's magic bytes.
	ErrNotWasm = errors.New("not a WebAssembly program")
	// ErrArchive: the archive cannot be read, lacks the named file or
	// folder, or holds an entry that would land outside its folder.
	ErrArchive = errors.New("bad archive")
	// ErrBuild: the Go toolchain could not be run or failed to build.
	ErrBuild = errors.New("go build failed")
	// ErrSpec: the source itself is wrong (no key, two keys, a bad
	// digest, a package path without a version).
	ErrSpec = errors.New("bad source")
)

// Error is a failure to obtain a program. Kind is one of the Err values
// above; Ref names the source (a URL, a package, a reference).
type Error struct {
	Kind error
	Ref  string
	// Status is the HTTP status of a failed download, else 0.
	Status int
	msg    string
	err    error
}

func (e *Error) Error() string {
	s := "source: " + e.Ref + ": " + e.msg
	if e.err != nil {
		s += ": " + e.err.Error()
	}
	return s
}

// Is matches the error's kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Unwrap returns the cause, if any.
func (e *Error) Unwrap() error { return e.err }

// ExitStatus is 2: nothing runs until the source is fixed.
func (e *Error) ExitStatus() int { return exitcode.Usage }

func failf(kind error, ref string, cause error, format string, args ...any) *Error {
	return &Error{Kind: kind, Ref: ref, msg: fmt.Sprintf(format, args...), err: cause}
}

// MismatchError is the refusal of a program that differs from its pin in
// the lock file: the URL, registry or module now gives other bytes, or the
// task file names another source than the lock recorded.
type MismatchError struct {
	Ref       string
	Want, Got string // what the pin says and what was found, as written in messages
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("source: %s: the lock pins %s but found %s; if the change is intended, run 'wasmtasks lock' to update the pin", e.Ref, e.Want, e.Got)
}

// ExitStatus is 2: nothing runs until the lock or the source is fixed.
func (e *MismatchError) ExitStatus() int { return exitcode.Usage }

// maxServerText bounds what a message quotes of a server's own words.
const maxServerText = 100

// serverText quotes what a server said (a header, a media type, a realm)
// for a message: escaped, so it cannot drive the user's terminal, and
// cut after maxServerText characters, so it cannot flood a log.
func serverText(s string) string {
	if len(s) > maxServerText {
		return fmt.Sprintf("%.*q…", maxServerText, s)
	}
	return fmt.Sprintf("%q", s)
}
