// Stand-ins for slice S1's types and helpers (source/source.go,
// source/errors.go in /work/wt/s1, copied as they were), so that the oci:
// part compiles and is tested alone. The lead deletes this file at merge:
// S1's real definitions replace every name below.

package source

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
)

// A Spec is what the task file says about where a program comes from.
type Spec struct {
	Go, URL, OCI, SHA256, File string
	Dir                        string
}

// A Pin is what a Spec resolved to.
type Pin struct {
	Source   string `json:"source"`
	Ref      string `json:"ref"`
	Resolved string `json:"resolved,omitempty"`
	Go       string `json:"go,omitempty"`
	SHA256   string `json:"sha256"`
}

// Fetcher obtains programs into a content-addressed folder.
type Fetcher struct {
	Dir      string
	Progress io.Writer
	HTTP     *http.Client
	GoCmd    string
	Env      []string
}

// Fetch returns the path of the program spec names (only oci: here).
func (f *Fetcher) Fetch(ctx context.Context, spec Spec, pin *Pin) (path string, got Pin, err error) {
	if f.Dir == "" {
		return "", Pin{}, fmt.Errorf("source: Fetcher.Dir is not set")
	}
	if spec.OCI != "" && spec.Go == "" && spec.URL == "" {
		if fetchOCI == nil {
			return "", Pin{}, failf(ErrSpec, spec.OCI, nil, "oci: sources are not supported by this build")
		}
		return fetchOCI(ctx, f, spec, pin)
	}
	return "", Pin{}, failf(ErrSpec, "", nil, "a program comes from exactly one of go:, url: and oci: (got %q, %q, %q)", spec.Go, spec.URL, spec.OCI)
}

// fetchOCI obtains an oci: source; oci.go sets it.
var fetchOCI func(ctx context.Context, f *Fetcher, spec Spec, pin *Pin) (string, Pin, error)

// checkPin refuses a pin that records another source than want.
func checkPin(pin *Pin, source, ref string) error {
	if pin == nil || (pin.Source == source && pin.Ref == ref) {
		return nil
	}
	return &MismatchError{Ref: ref, Want: pin.Source + " " + pin.Ref, Got: source + " " + ref}
}

var hexDigest = regexp.MustCompile(`^[0-9a-f]{64}$`)

func (f *Fetcher) client() *http.Client {
	if f.HTTP != nil {
		return f.HTTP
	}
	return http.DefaultClient
}

const maxProgram = 1 << 30

var wasmMagic = []byte("\x00asm")

func (f *Fetcher) programPath(hexsum string) string {
	return filepath.Join(f.Dir, "programs", "sha256", hexsum+".wasm")
}

// haveProgram (S1's also keeps a stamp so that a hit reads no bytes).
func (f *Fetcher) haveProgram(hexsum string) (string, bool) {
	path := f.programPath(hexsum)
	file, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer file.Close()
	h := sha256.New()
	if _, err := io.Copy(h, file); err != nil || hex.EncodeToString(h.Sum(nil)) != hexsum {
		return "", false
	}
	return path, true
}

// putProgram stores the program r yields under its digest.
func (f *Fetcher) putProgram(ref string, r io.Reader) (hexsum, path string, err error) {
	dir := filepath.Join(f.Dir, "programs", "sha256")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", err
	}
	file, err := os.CreateTemp(dir, ".program.wasm.*.tmp")
	if err != nil {
		return "", "", err
	}
	defer os.Remove(file.Name())
	h := sha256.New()
	head := &headWriter{}
	n, err := io.Copy(io.MultiWriter(file, h, head), io.LimitReader(r, maxProgram+1))
	if err == nil && n > maxProgram {
		err = fmt.Errorf("more than %d bytes", maxProgram)
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", "", err
	}
	if !bytes.HasPrefix(head.b, wasmMagic) {
		return "", "", failf(ErrNotWasm, ref, nil, "this is not a WebAssembly program (it starts with %q, not \\0asm); check that the source names a .wasm file", head.b)
	}
	hexsum = hex.EncodeToString(h.Sum(nil))
	path = f.programPath(hexsum)
	if err := os.Rename(file.Name(), path); err != nil {
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

// progress (S1's reports bytes and rate on a terminal).
type progress struct{ r io.Reader }

func newProgress(r io.Reader, w io.Writer, name string, total int64) *progress {
	return &progress{r: r}
}

func (p *progress) Read(b []byte) (int, error) { return p.r.Read(b) }

func (p *progress) done() {}

// The kinds of failure, matched with errors.Is.
var (
	ErrDownload = errors.New("download failed")
	ErrDigest   = errors.New("wrong digest")
	ErrNotWasm  = errors.New("not a WebAssembly program")
	ErrSpec     = errors.New("bad source")
)

// Error is a failure to obtain a program.
type Error struct {
	Kind   error
	Ref    string
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

// ExitStatus is 2.
func (e *Error) ExitStatus() int { return 2 }

func failf(kind error, ref string, cause error, format string, args ...any) *Error {
	return &Error{Kind: kind, Ref: ref, msg: fmt.Sprintf(format, args...), err: cause}
}

// MismatchError is the refusal of a program that differs from its pin.
type MismatchError struct {
	Ref       string
	Want, Got string
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("source: %s: the lock pins %s but found %s; if the change is intended, run 'wasmtasks lock' to update the pin", e.Ref, e.Want, e.Got)
}

// ExitStatus is 2.
func (e *MismatchError) ExitStatus() int { return 2 }
