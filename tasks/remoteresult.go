package tasks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/wasmtasks/wasmtasks/internal/safefs"
	"github.com/wasmtasks/wasmtasks/remotecache"
)

// Task results in the remote cache. A task's result is shared only when
// its fingerprint covers everything it can see, so that another machine
// with the same fingerprint would have made the same files:
//
//   - its up-to-date kind is sandbox (no declared inputs, no stdin from the
//     terminal, not run: always): the fingerprint covers the program, the
//     settings, the environment, its stdin file and everything under its
//     read-only folders, by project-relative names;
//   - the action key adds what its read-write folders and output files held
//     before it ran (a task may read them), so a machine with other leftovers
//     there runs the task instead;
//   - no other task of the file writes where it writes (sharedWriters): a
//     task running at the same time could change a folder after the key
//     described it;
//   - it succeeded, and what it reads did not change while it ran;
//   - everything it left is a regular file inside the project (no symlink,
//     no folder outside the project), and its console output is at most
//     maxRecorded bytes per stream.
//
// A hit restores the files (only where the task could write them, see
// restoreFile), replays the recorded console output, and records the task
// as up to date; anything wrong with the entry means the task runs.
// Empty folders a task leaves are not restored.

// actionFormat changes whenever what an action key covers or what an
// entry holds does, so old and new wasmtasks never read each other's.
const actionFormat = "wasmtasks task result v1"

// maxRecorded bounds the console output recorded of one stream: a task
// that prints more is not shared.
const maxRecorded = 1 << 20

// consoleRecord keeps what a task printed on the console, for the cache.
type consoleRecord struct {
	mu       sync.Mutex
	out, err []byte
	overflow bool
}

// streams returns writers that record stdout and stderr.
func (c *consoleRecord) streams() (stdout, stderr io.Writer) {
	return recordTo{c, &c.out}, recordTo{c, &c.err}
}

type recordTo struct {
	c   *consoleRecord
	buf *[]byte
}

func (w recordTo) Write(p []byte) (int, error) {
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	if len(*w.buf)+len(p) > maxRecorded {
		w.c.overflow = true
	} else {
		*w.buf = append(*w.buf, p...)
	}
	return len(p), nil
}

// actionKey returns the remote cache's key for the task's result, or ""
// when it is not shared (see above). check is the task's up-to-date
// check, done just before.
func (r *Runner) actionKey(s *spec, check upToDateCheck) string {
	if check.fingerprint == "" || !r.mayShare(s) {
		return ""
	}
	d := newDigester(r.project.File.Dir, &r.state)
	defer r.state.learn(d.seen)
	before, _, err := r.outputsOf(s, kindSandbox, d)
	if err != nil {
		return ""
	}
	h := sha256.Sum256(fmt.Appendf(nil, "%s\nfingerprint %s\nwritable before %s\n", actionFormat, check.fingerprint, before))
	return hex.EncodeToString(h[:])
}

// mayShare reports whether the task's result is looked up in (and given
// to) the remote cache, as far as can be told before its dependencies ran.
func (r *Runner) mayShare(s *spec) bool {
	if r.remote == nil || r.opts.Force || s.upToDateKind() != kindSandbox || r.sharedWriters[s.task.Name] {
		return false
	}
	_, ok := r.outputPlaces(s)
	return ok
}

// outputPlaces lists where the task may write, by project-relative path;
// false when one of them is outside the project (another machine has it
// elsewhere, or not at all).
func (r *Runner) outputPlaces(s *spec) ([]outputPlace, bool) {
	var places []outputPlace
	for _, d := range s.dirs {
		if d.ReadOnly {
			continue
		}
		key := fileKey(r.project.File.Dir, d.Host)
		if !local(key) {
			return nil, false
		}
		places = append(places, outputPlace{path: key, folder: true})
	}
	for _, f := range s.outputFiles() {
		key := fileKey(r.project.File.Dir, f)
		if !local(key) {
			return nil, false
		}
		places = append(places, outputPlace{path: key})
	}
	return places, true
}

// local reports whether a file key is a path inside the project.
func local(key string) bool {
	return key == "." || checkOutputPath(key, []outputPlace{{path: ".", folder: true}}) == nil
}

// fromRemote looks the task's result up in the remote cache and, on a
// hit, restores its files, replays its console output and records the
// task as up to date. false means the task must run: a miss, or an entry
// that was refused (with the run's one warning) or could not be restored.
func (r *Runner) fromRemote(ctx context.Context, s *spec, key string, check upToDateCheck) bool {
	ar, ok := r.remote.ActionResult(ctx, key)
	if !ok {
		return false
	}
	if err := checkEntry(ar); err != nil {
		r.remote.Refuse(fmt.Errorf("task %s: entry %s: %w", s.task.Name, key, err))
		return false
	}
	places, _ := r.outputPlaces(s)
	ds := []remotecache.Digest{ar.Stdout, ar.Stderr}
	for _, f := range ar.OutputFiles {
		if err := checkOutputPath(f.Path, places); err != nil {
			r.remote.Refuse(fmt.Errorf("task %s: entry %s: %w", s.task.Name, key, err))
			return false
		}
		ds = append(ds, f.Digest)
	}
	blobs, ok := r.remote.Blobs(ctx, ds)
	if !ok {
		return false
	}
	for _, f := range ar.OutputFiles {
		if err := r.restoreFile(f.Path, places, blobs[f.Digest], f.Executable); err != nil {
			r.remote.Refuse(fmt.Errorf("task %s: restoring %s: %w", s.task.Name, f.Path, err))
			return false
		}
	}
	r.replay(s.task.Name, blobs[ar.Stdout], blobs[ar.Stderr])
	if _, err := r.recordSuccess(s, check); err != nil {
		r.console.printf("wasmtasks: warning: [%s] could not record the restored result for up-to-date checks: %v\n", s.task.Name, err)
	}
	return true
}

// checkEntry refuses, before anything is fetched or written, an entry
// that no run could have made: one whose blobs together could not have
// been uploaded, or whose console output is more than a run records (its
// blobs are all held in memory until the last one is checked), or that
// names a path twice or as a file and a folder (it would be restored in
// part, and the task then run over files the cache chose).
func checkEntry(ar *remotecache.ActionResult) error {
	if err := checkEntryPaths(ar.OutputFiles); err != nil {
		return err
	}
	if n := ar.BlobBytes(); n > remotecache.MaxResultBytes {
		return fmt.Errorf("its blobs add up to %d bytes, more than the %d a result may hold", n, int64(remotecache.MaxResultBytes))
	}
	for _, d := range []remotecache.Digest{ar.Stdout, ar.Stderr} {
		if d.Size > maxRecorded {
			return fmt.Errorf("%d bytes of console output, more than the %d a run records", d.Size, maxRecorded)
		}
	}
	return nil
}

// Bounds of a restored path: longer ones are refused (and not shared),
// as a cache could otherwise make a tree of a million nested folders.
const (
	maxOutputPath  = 4096 // bytes: Linux's PATH_MAX
	maxOutputDepth = 256  // folders
)

// checkEntryPaths refuses a path named twice, named as a file and also as
// a folder of another, or longer than maxOutputPath or maxOutputDepth.
// Sorted with "/" below every other byte, a folder comes just before the
// first path inside it, so neighbours suffice.
func checkEntryPaths(files []remotecache.OutputFile) error {
	keys := make([]string, len(files))
	for i, f := range files {
		if len(f.Path) > maxOutputPath || strings.Count(f.Path, "/") > maxOutputDepth {
			return fmt.Errorf("%.80q… is longer than %d bytes or %d folders", f.Path, maxOutputPath, maxOutputDepth)
		}
		keys[i] = strings.ReplaceAll(f.Path, "/", "\x00")
	}
	slices.Sort(keys)
	for i := 1; i < len(keys); i++ {
		prev, cur := keys[i-1], keys[i]
		if cur == prev || strings.HasPrefix(cur, prev+"\x00") {
			return fmt.Errorf("%q is named twice, or as a file and a folder", strings.ReplaceAll(prev, "\x00", "/"))
		}
	}
	return nil
}

// replay writes recorded console output as the task's own would appear.
func (r *Runner) replay(task string, stdout, stderr []byte) {
	out, errw, finish := r.console.taskStreams(task)
	if len(stdout) > 0 {
		out.Write(stdout)
	}
	if len(stderr) > 0 {
		errw.Write(stderr)
	}
	finish()
}

// shareResult uploads a successful run's files and console output, and
// then its entry under key, unless something makes it unfit to share
// (see above). outputs are what recordSuccess found the task left.
func (r *Runner) shareResult(s *spec, key string, exitCode int, outputs []outputFile, rec *consoleRecord) {
	if rec.overflow {
		return
	}
	places, ok := r.outputPlaces(s)
	if !ok {
		return
	}
	ar := &remotecache.ActionResult{ExitCode: int32(exitCode)}
	var blobs [][]byte
	seen := map[remotecache.Digest]bool{}
	add := func(b []byte) remotecache.Digest {
		d := remotecache.DigestOf(b)
		if !seen[d] {
			seen[d] = true
			blobs = append(blobs, b)
		}
		return d
	}
	for _, f := range outputs {
		if f.Link != "" || checkOutputPath(f.Path, places) != nil {
			return // a symlink, or a file outside the project
		}
		b, err := r.readOutput(f)
		if err != nil {
			return // changed since: the next run shares it
		}
		ar.OutputFiles = append(ar.OutputFiles, remotecache.OutputFile{Path: f.Path, Digest: add(b), Executable: f.Exec})
	}
	if len(rec.out) > 0 {
		ar.Stdout = add(rec.out)
	}
	if len(rec.err) > 0 {
		ar.Stderr = add(rec.err)
	}
	if checkEntry(ar) != nil {
		return // no other machine would take it
	}
	r.remote.Upload(key, ar, blobs...)
}

// readOutput reads an output file the task left, through the guard, and
// checks it is still what its digest says.
func (r *Runner) readOutput(f outputFile) ([]byte, error) {
	file, err := r.guard.OpenFile(filepath.Join(r.project.File.Dir, filepath.FromSlash(f.Path)))
	if err != nil {
		return nil, err
	}
	defer file.Close()
	fi, err := file.Stat()
	if err != nil {
		return nil, err
	}
	b, err := safefs.ReadAll(file, fi, remotecache.MaxBlobBytes)
	if err != nil {
		return nil, err
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.SHA256 {
		return nil, fmt.Errorf("%s changed", f.Path)
	}
	return b, nil
}
