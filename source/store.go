package source

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/wasmtasks/wasmtasks/internal/filestamp"
	"github.com/wasmtasks/wasmtasks/internal/safefs"
	"github.com/wasmtasks/wasmtasks/internal/tempfile"
)

// maxProgram bounds a program, maxDownload anything downloaded.
const (
	maxProgram  = 1 << 30
	maxDownload = 4 << 30
)

// wasmMagic starts every WebAssembly module and component.
var wasmMagic = []byte("\x00asm")

func (f *Fetcher) programPath(hexsum string) string {
	return filepath.Join(f.Dir, "programs", "sha256", hexsum+".wasm")
}

// haveProgram returns the program with digest hexsum when the store has it
// intact. A file unchanged since it was last hashed (same stamp, see
// [filestamp.Stamp]) is not hashed again, so a hit reads no program bytes;
// a damaged one is removed.
func (f *Fetcher) haveProgram(hexsum string) (string, bool) {
	path := f.programPath(hexsum)
	ok, err := verifyStamped(path, hexsum)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			_ = os.Remove(path)
		}
		return "", false
	}
	return path, ok
}

// verifyStamped checks that the file at path has the digest hexsum, by its
// stamp when the stamp recorded beside it (path.stamp) still holds, else by
// hashing it and then recording its stamp. Either way the stamp's time
// becomes now: that is when the file was last used ([Fetcher.Prune]).
func verifyStamped(path, hexsum string) (bool, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return false, err
	}
	if !fi.Mode().IsRegular() {
		return false, fmt.Errorf("%s: %w", path, safefs.ErrNotRegular)
	}
	st := filestamp.Of(fi)
	if old, err := readStamp(path + ".stamp"); err == nil && st.Reliable() && old == st {
		touch(path + ".stamp") // used now, for Prune
		return true, nil
	}
	sum, err := hashFile(path)
	if err != nil {
		return false, err
	}
	if sum != hexsum {
		return false, fmt.Errorf("%s: %w: it is sha256:%s", path, ErrDigest, sum)
	}
	_ = writeAtomic(path+".stamp", func(w io.Writer) error { return json.NewEncoder(w).Encode(st) })
	return true, nil
}

func readStamp(path string) (filestamp.Stamp, error) {
	var st filestamp.Stamp
	b, err := safefs.ReadRegular(path, 4096, true)
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	return st, err
}

func hashFile(path string) (string, error) {
	file, _, err := safefs.OpenRegular(path, true)
	if err != nil {
		return "", err
	}
	defer file.Close()
	h := sha256.New()
	if _, err := io.Copy(h, file); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// putProgram stores the program r yields under its digest and returns the
// digest and path. ref names the source in errors.
func (f *Fetcher) putProgram(ref string, r io.Reader) (hexsum, path string, err error) {
	dir := filepath.Join(f.Dir, "programs", "sha256")
	head := &headWriter{}
	tmp, hexsum, _, err := writeTemp(dir, "program.wasm", io.TeeReader(r, head), maxProgram)
	if err != nil {
		return "", "", err
	}
	defer os.Remove(tmp)
	if !bytes.HasPrefix(head.b, wasmMagic) {
		return "", "", failf(ErrNotWasm, ref, nil, "this is not a WebAssembly program (it starts with %q, not \\0asm); check that the source names a .wasm file", head.b)
	}
	path = f.programPath(hexsum)
	if err := os.Rename(tmp, path); err != nil {
		return "", "", fmt.Errorf("source: store the program: %w", err)
	}
	return hexsum, path, nil
}

// headWriter keeps the first bytes written to it.
type headWriter struct{ b []byte }

func (h *headWriter) Write(p []byte) (int, error) {
	if n := 8 - len(h.b); n > 0 {
		h.b = append(h.b, p[:min(n, len(p))]...)
	}
	return len(p), nil
}

// writeTemp copies r into a new, synced temporary file in dir (created if
// needed) whose name marks it as one for target. It returns the file's
// path, the hex SHA-256 and the size of what it holds. The caller renames
// or removes it. More than max bytes is an error.
func writeTemp(dir, target string, r io.Reader, max int64) (tmp, hexsum string, n int64, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", 0, fmt.Errorf("source: %w", err)
	}
	tmp = filepath.Join(dir, tempfile.Name(target))
	file, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", "", 0, fmt.Errorf("source: %w", err)
	}
	h := sha256.New()
	n, err = io.Copy(io.MultiWriter(file, h), io.LimitReader(r, max+1))
	if err == nil && n > max {
		err = fmt.Errorf("more than %d bytes", max)
	}
	if err == nil {
		err = file.Sync()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return "", "", n, err
	}
	return tmp, hex.EncodeToString(h.Sum(nil)), n, nil
}

// writeAtomic writes path (mode 0600) through a temporary file and a
// rename, so a reader sees the old content or the new, never half.
func writeAtomic(path string, write func(io.Writer) error) error {
	return writeAtomicMode(path, 0o600, write)
}

func writeAtomicMode(path string, mode os.FileMode, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("source: %w", err)
	}
	return tempfile.Write(dir, tempfile.Pattern(filepath.Base(path)), buf.Bytes(), func(tmp string) error {
		if err := os.Chmod(tmp, mode); err != nil {
			return err
		}
		return os.Rename(tmp, path)
	})
}
