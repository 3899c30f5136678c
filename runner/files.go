package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync/atomic"

	"github.com/wasmtasks/wasmtasks/internal/filestamp"
	"github.com/wasmtasks/wasmtasks/internal/safefs"
)

// fileStamp and statFile keep the runner's names for the shared stamp.
type fileStamp = filestamp.Stamp

// maxKnownFiles bounds how many program files an engine remembers (path,
// stamp, digest and compiled program) for Digest and repeated runs: a
// long-lived engine shown ever new files forgets the least recently used.
const maxKnownFiles = 1 << 10

// maxProgramBytes bounds the size of a program file: larger files are
// refused before they are read.
const maxProgramBytes = 1 << 30

// readProgram reads a program file: a regular file of at most
// maxProgramBytes, never a named pipe or a device that would block or never
// end.
func readProgram(path string) ([]byte, error) {
	programReads.Add(1)
	return safefs.ReadRegular(path, maxProgramBytes, false)
}

// programReads counts the program files read, for tests.
var programReads atomic.Int64

func statFile(path string) (fileStamp, error) { return filestamp.Stat(path) }

// loadedFile is what the engine knows of one program file while it is
// unchanged: its digest, and its compiled program once a run loaded it.
type loadedFile struct {
	stamp  fileStamp
	digest digest
	prog   *program
	used   uint64 // the engine's use count when last used, for eviction
}

// known returns what the engine knows of path, if the file has not changed
// since: repeated runs of one program skip reading and hashing it.
func (e *Engine) known(path string, stamp fileStamp) (loadedFile, bool) {
	e.progMu.Lock()
	defer e.progMu.Unlock()
	f, ok := e.files[path]
	if !ok || f.stamp != stamp || stamp.Mtime == 0 {
		return loadedFile{}, false
	}
	e.uses++
	f.used = e.uses
	e.files[path] = f
	return f, true
}

// remember records what the engine knows of path, forgetting the least
// recently used file when it knows maxKnownFiles already.
func (e *Engine) remember(path string, f loadedFile) {
	e.progMu.Lock()
	defer e.progMu.Unlock()
	if _, ok := e.files[path]; !ok && len(e.files) >= maxKnownFiles {
		e.forgetOldest()
	}
	e.uses++
	f.used = e.uses
	e.files[path] = f
}

// forgetOldest drops the least recently used file. A scan is cheap next to
// reading and hashing the file that is being added.
func (e *Engine) forgetOldest() {
	var oldest string
	var min uint64
	for path, f := range e.files {
		if oldest == "" || f.used < min {
			oldest, min = path, f.used
		}
	}
	delete(e.files, oldest)
}

// Digest returns the hex SHA-256 of the program file at path, for pins and
// up-to-date checks. The engine remembers it while the file is unchanged,
// and a later Run of the same file does not read or hash it again; it
// remembers the 1024 files used most recently (maxKnownFiles).
func (e *Engine) Digest(path string) (string, error) {
	stamp, err := statFile(path)
	if err != nil {
		return "", fmt.Errorf("runner: %w", err)
	}
	if f, ok := e.known(path, stamp); ok {
		return hex.EncodeToString(f.digest[:]), nil
	}
	if d, _, _, ok := e.recorded(stamp); ok {
		e.remember(path, loadedFile{stamp: stamp, digest: d})
		return hex.EncodeToString(d[:]), nil
	}
	wasm, err := readProgram(path)
	if err != nil {
		return "", fmt.Errorf("runner: %w", err)
	}
	d := digest(sha256.Sum256(wasm))
	e.remember(path, loadedFile{stamp: stamp, digest: d})
	return hex.EncodeToString(d[:]), nil
}
