// Package filelock holds an exclusive lock on a file across processes, so
// that processes sharing a folder (the up-to-date state, an npm install)
// take turns. The lock is advisory: it binds only those who ask for it.
package filelock

import (
	"fmt"
	"os"
)

// Lock creates path if needed and blocks until this process holds the
// exclusive lock on it. Calling unlock releases it; so does the process's
// end, which a crash cannot prevent.
func Lock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := lock(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// LockOpen blocks until this process holds the exclusive lock on the open
// file f, for callers that opened the file themselves (without following
// symlinks, say). Calling unlock releases the lock and closes f.
func LockOpen(f *os.File) (unlock func(), err error) {
	if err := lock(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	return func() { f.Close() }, nil
}
