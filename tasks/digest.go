package tasks

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/filestamp"
)

// racyWindow is how old a file's status-change time must be, when it is
// hashed, for its stamp to vouch for its content later: a write within the
// file system's timestamp granularity of the previous one may leave the
// stamp as it was (git's "racy" entries). Two seconds covers the coarsest
// common file systems.
const racyWindow = 2 * time.Second

// hashedBytes counts the bytes of file content hashed, for tests.
var hashedBytes atomic.Int64

// errOutsideProject is wrapped by the error for an input or output symlink
// that resolves outside the project.
var errOutsideProject = errors.New("symlink leads outside the project")

// fileRecord is what a check learnt of one file.
type fileRecord struct {
	Stamp  filestamp.Stamp `json:"stamp"`
	Digest string          `json:"sha256"`
	// Settled means the stamp was old enough when the file was hashed to
	// vouch for the content (see racyWindow).
	Settled bool `json:"settled,omitempty"`
	// Used is the day (Unix time / 86400) a check last used the entry,
	// so that the index can forget what nothing uses.
	Used int64 `json:"used,omitempty"`
}

// fileIndex is where a digester finds what past checks learnt of files.
type fileIndex interface {
	lookupFile(key string) (fileRecord, bool)
}

// digester digests a task's files, reusing the digest of every file whose
// stamp is what a past check recorded, so that unchanged files are not read
// again.
type digester struct {
	root     string
	realRoot string // root with symlinks resolved, found on first need
	index    fileIndex
	seen     map[string]fileRecord // what this check saw, for the index
	// infos holds what the globs of this check learnt of the files they
	// looked up, so that a file is looked up once per check.
	infos map[string]fs.FileInfo
}

func newDigester(root string, index fileIndex) *digester {
	return &digester{root: root, index: index, seen: map[string]fileRecord{}}
}

// noIndex is an empty index: every file is read.
type noIndex struct{}

func (noIndex) lookupFile(string) (fileRecord, bool) { return fileRecord{}, false }

// glob expands the patterns as [expandGlobs] does, keeping what it learnt
// of each file for digestFiles and list.
func (d *digester) glob(patterns []string) ([]string, error) {
	files, infos, err := expandGlobs(d.root, patterns)
	if d.infos == nil {
		d.infos = infos
	} else {
		maps.Copy(d.infos, infos)
	}
	return files, err
}

// lstat is os.Lstat of the listed file at p, answered from what the globs
// learnt when they looked it up.
func (d *digester) lstat(rel, p string) (fs.FileInfo, error) {
	if fi := d.infos[rel]; fi != nil {
		return fi, nil
	}
	return os.Lstat(p)
}

// digestFiles returns a digest of the named files' paths and contents.
func (d *digester) digestFiles(files []string) (string, error) {
	h := sha256.New()
	for _, f := range files {
		sum, err := d.entry(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %s\n", sum, f)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// entry digests one listed file: a regular file by its content, a symlink
// by its link text and, when it leads to a file in the project, that
// file's content.
func (d *digester) entry(rel string) (string, error) {
	p := filepath.Join(d.root, filepath.FromSlash(rel))
	fi, err := d.lstat(rel, p)
	if err != nil {
		return "", err
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return d.content(rel, fi, openPath(p))
	}
	link, err := os.Readlink(p)
	if err != nil {
		return "", err
	}
	tfi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return sumOf("symlink", link, "-"), nil // dangling: its text counts
	}
	if err != nil {
		return "", err
	}
	if !tfi.Mode().IsRegular() {
		// A folder is not descended, a device not read: the text counts.
		return sumOf("symlink", link, tfi.Mode().Type().String()), nil
	}
	target, err := d.linkTarget(rel, p)
	if err != nil {
		return "", err
	}
	content, err := d.content(target, tfi, openPath(filepath.Join(d.root, filepath.FromSlash(target))))
	return sumOf("symlink", link, content), err
}

// linkTarget returns the slash path in the project of the file the
// symlink at p leads to, or an error when that file is outside the project.
func (d *digester) linkTarget(rel, p string) (string, error) {
	resolved, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", err
	}
	if d.realRoot == "" {
		if d.realRoot, err = filepath.EvalSymlinks(d.root); err != nil {
			return "", err
		}
	}
	in, err := filepath.Rel(d.realRoot, resolved)
	if err != nil || in == ".." || strings.HasPrefix(in, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s: %w (to %s); point it at a file inside the project or leave it out of the task's inputs and outputs", rel, errOutsideProject, resolved)
	}
	return filepath.ToSlash(in), nil
}

func sumOf(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// content returns the digest of the regular file known to the index as
// key, whose current information is fi, reusing a settled digest while its
// stamp is unchanged; else it reads what open opens.
func (d *digester) content(key string, fi fs.FileInfo, open func() (*os.File, error)) (string, error) {
	stamp := filestamp.Of(fi)
	if rec, ok := d.seen[key]; ok && rec.Stamp == stamp {
		return rec.Digest, nil // twice in one check: a file under two names
	}
	if rec, ok := d.index.lookupFile(key); ok && rec.Settled && rec.Stamp == stamp && stamp.Reliable() {
		d.seen[key] = rec
		return rec.Digest, nil
	}
	start := time.Now()
	f, err := open()
	if err != nil {
		return "", err
	}
	defer f.Close()
	sum, err := hashFile(f)
	if err != nil {
		return "", err
	}
	settled := stamp.Reliable() && stamp.Ctime < start.Add(-racyWindow).UnixNano()
	d.seen[key] = fileRecord{Stamp: stamp, Digest: sum, Settled: settled}
	return sum, nil
}

// openPath opens a file by its path without blocking, so that a file
// replaced by a FIFO fails instead of hanging.
func openPath(path string) func() (*os.File, error) {
	return func() (*os.File, error) { return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0) }
}

// copyBuffers hold the buffers hashFile reads through.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// hashFile returns the SHA-256 of an open file's content; anything but a
// regular file is refused.
func hashFile(f *os.File) (string, error) {
	if fi, err := f.Stat(); err != nil {
		return "", err
	} else if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s: not a regular file; inputs and outputs must be files", f.Name())
	}
	h := sha256.New()
	buf := copyBuffers.Get().(*[]byte)
	// Hidden behind a plain Reader, the file cannot pick its own copy
	// path, which allocates 32 KiB a call: a check of 10,000 small files
	// made 320 MB of garbage.
	n, err := io.CopyBuffer(h, struct{ io.Reader }{f}, *buf)
	copyBuffers.Put(buf)
	hashedBytes.Add(n)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hashPath returns the SHA-256 of the regular file at path.
func hashPath(path string) (string, error) {
	f, err := openPath(path)()
	if err != nil {
		return "", err
	}
	defer f.Close()
	return hashFile(f)
}

// list lists the named files (already digested by [digester.digestFiles])
// as outputs: a symlink by its text, a file by its content.
func (d *digester) list(files []string) ([]outputFile, error) {
	out := make([]outputFile, 0, len(files))
	for _, f := range files {
		p := filepath.Join(d.root, filepath.FromSlash(f))
		fi, err := d.lstat(f, p)
		if err != nil {
			return nil, err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			link, err := os.Readlink(p)
			if err != nil {
				return nil, err
			}
			out = append(out, outputFile{Path: f, Link: link})
			continue
		}
		sum, err := d.content(f, fi, openPath(p))
		if err != nil {
			return nil, err
		}
		out = append(out, outputFile{Path: f, SHA256: sum, Exec: fi.Mode()&0o111 != 0})
	}
	return out, nil
}
