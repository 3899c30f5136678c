package source

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/wasmtasks/wasmtasks/internal/safefs"
	"github.com/wasmtasks/wasmtasks/internal/sha256hex"
)

// LockName is the lock file's name, beside the task file.
const LockName = "wasmtasks.lock"

// lockVersion is the format's version, the first key of every lock file.
const lockVersion = 1

// ErrLock is matched by the error for a lock file that cannot be read.
var ErrLock = errors.New("bad lock file")

// Lock is wasmtasks.lock: for each component (by name) whose program comes
// from a source, what it resolved to.
//
// The file is JSON, indented with tabs, keys sorted, one field a line: the
// standard library reads and writes it strictly and stably (the same lock
// is the same bytes), every tool can read it, and a changed pin is a
// one-line diff. A version key lets a later format be told apart.
type Lock struct {
	Components map[string]Pin
}

type lockFile struct {
	Version    int            `json:"version"`
	Components map[string]Pin `json:"components"`
}

// ReadLock reads the lock file at path. A missing file is an error that
// matches fs.ErrNotExist: the caller decides whether that means "write
// one".
func ReadLock(path string) (*Lock, error) {
	b, err := safefs.ReadRegular(path, 64<<20, false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("source: lock: %w", err)
	}
	if err != nil {
		return nil, failf(ErrLock, path, err, "cannot be read; remove it and run 'wasmtasks lock' to write it again")
	}
	var lf lockFile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&lf); err != nil {
		return nil, lockErrorf(path, b, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, lockErrorf(path, b, errors.New("more after the end of the lock"))
	}
	if lf.Version != lockVersion {
		return nil, &Error{Kind: ErrLock, Ref: path, msg: fmt.Sprintf("version %d is not one this wasmtasks reads (%d); update wasmtasks, or run 'wasmtasks lock' to write it again", lf.Version, lockVersion)}
	}
	for name, p := range lf.Components {
		if err := p.check(); err != nil {
			return nil, &Error{Kind: ErrLock, Ref: path, msg: fmt.Sprintf("component %q: %v; run 'wasmtasks lock' to write it again", name, err)}
		}
	}
	if lf.Components == nil {
		lf.Components = map[string]Pin{}
	}
	return &Lock{Components: lf.Components}, nil
}

// lockErrorf says where in the file JSON decoding failed.
func lockErrorf(path string, b []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	where := path
	if off >= 0 {
		line := bytes.Count(b[:off], []byte("\n")) + 1
		col := off - int64(bytes.LastIndexByte(b[:off], '\n'))
		where = fmt.Sprintf("%s:%d:%d", path, line, col)
	}
	return &Error{Kind: ErrLock, Ref: where, msg: "this is not a lock file wasmtasks can read; fix it, or delete it and run 'wasmtasks lock'", err: err}
}

// check refuses a pin that no Fetch could have made.
func (p Pin) check() error {
	switch {
	case p.Source != "go" && p.Source != "url" && p.Source != "oci":
		return fmt.Errorf("source %q is none of go, url, oci", p.Source)
	case p.Ref == "":
		return errors.New("no ref")
	case !sha256hex.Valid(p.SHA256):
		return fmt.Errorf("sha256 %q is not 64 lowercase hex digits", p.SHA256)
	}
	return nil
}

// Write writes the lock to path through a temporary file and a rename, so
// that a reader never sees half a lock. The file is readable by all
// (0644): it belongs in version control beside the task file.
func (l *Lock) Write(path string) error {
	comps := l.Components
	if comps == nil {
		comps = map[string]Pin{}
	}
	b, err := json.MarshalIndent(lockFile{Version: lockVersion, Components: comps}, "", "\t")
	if err != nil {
		return fmt.Errorf("source: lock: %w", err)
	}
	b = append(b, '\n')
	if err := writeAtomicMode(path, 0o644, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
		return fmt.Errorf("source: write %s: %w", path, err)
	}
	return nil
}
