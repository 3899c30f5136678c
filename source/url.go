package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/wasmtasks/wasmtasks/internal/sha256hex"
)

// fetchURL obtains a url: source: the program itself, or with spec.File
// the archive that holds it.
func (f *Fetcher) fetchURL(ctx context.Context, spec Spec, pin *Pin) (string, Pin, error) {
	want, ref, err := urlRef(spec)
	if err != nil {
		return "", Pin{}, err
	}
	if err := checkPin(pin, "url", ref); err != nil {
		return "", Pin{}, err
	}
	if pin != nil && pin.Resolved != "sha256:"+want {
		return "", Pin{}, &MismatchError{Ref: ref, Want: pin.Resolved, Got: "sha256:" + want + " in the task file"}
	}
	got := Pin{Source: "url", Ref: ref, Resolved: "sha256:" + want}
	if spec.File == "" {
		if pin != nil && pin.SHA256 != want {
			return "", Pin{}, &MismatchError{Ref: ref, Want: "program sha256:" + pin.SHA256, Got: "sha256:" + want + " in the task file"}
		}
		got.SHA256 = want
		p, err := f.urlProgram(ctx, spec.URL, want)
		return p, got, err
	}
	if pin != nil {
		if p, ok := f.haveProgram(pin.SHA256); ok {
			got.SHA256 = pin.SHA256
			return p, got, nil
		}
	}
	p, sum, err := f.archiveProgram(ctx, spec.URL, want, spec.File)
	if err != nil {
		return "", Pin{}, err
	}
	got.SHA256 = sum
	if pin != nil && pin.SHA256 != sum {
		return "", Pin{}, &MismatchError{Ref: ref, Want: "program sha256:" + pin.SHA256, Got: "sha256:" + sum}
	}
	return p, got, nil
}

// urlRef checks a url: spec and returns the digest it names and how a
// pin records it.
func urlRef(spec Spec) (want, ref string, err error) {
	want = strings.ToLower(strings.TrimPrefix(spec.SHA256, "sha256:"))
	if !sha256hex.Valid(want) {
		return "", "", failf(ErrSpec, spec.URL, nil, "a url: source needs sha256: with the 64 hex digits of what the URL serves (got %q); run 'sha256sum' on a copy you trust", spec.SHA256)
	}
	ref = spec.URL
	if spec.File != "" {
		ref += "#" + spec.File
	}
	return want, ref, nil
}

// urlProgram obtains the program rawURL serves, whose digest is want.
func (f *Fetcher) urlProgram(ctx context.Context, rawURL, want string) (string, error) {
	if p, ok := f.haveProgram(want); ok {
		return p, nil
	}
	dir := filepath.Join(f.Dir, "programs", "sha256")
	tmp, err := f.download(ctx, rawURL, want, dir, want+".wasm")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp)
	if err := checkMagic(rawURL, tmp); err != nil {
		return "", err
	}
	p := f.programPath(want)
	if err := os.Rename(tmp, p); err != nil {
		return "", fmt.Errorf("source: store the program: %w", err)
	}
	return p, nil
}

func checkMagic(ref, file string) error {
	fh, err := os.Open(file)
	if err != nil {
		return err
	}
	defer fh.Close()
	head := make([]byte, 4)
	n, _ := fh.Read(head)
	if string(head[:n]) != string(wasmMagic) {
		return failf(ErrNotWasm, ref, nil, "this is not a WebAssembly program (it starts with %q, not \\0asm); if the URL serves an archive, name the program inside it with file:", head[:n])
	}
	return nil
}

// archive returns the archive rawURL serves, whose digest is want, kept
// in downloads/sha256/ so that programs and folders can be taken from it
// later without the network.
func (f *Fetcher) archive(ctx context.Context, rawURL, want string) (string, error) {
	p := filepath.Join(f.Dir, "downloads", "sha256", want)
	ok, err := verifyStamped(p, want)
	if ok {
		return p, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		_ = os.Remove(p)
	}
	tmp, err := f.download(ctx, rawURL, want, filepath.Dir(p), want)
	if err != nil {
		return "", err
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("source: keep the download: %w", err)
	}
	return p, nil
}

// archiveProgram stores the member named file of the archive rawURL serves
// as a program and returns its path and digest.
func (f *Fetcher) archiveProgram(ctx context.Context, rawURL, want, file string) (string, string, error) {
	ar, err := f.archive(ctx, rawURL, want)
	if err != nil {
		return "", "", err
	}
	name := path.Clean(strings.TrimPrefix(file, "./"))
	var sum, p string
	var names []string
	err = walkArchive(ar, func(e entry) error {
		if e.name != name || !e.mode.IsRegular() {
			names = append(names, e.name)
			return nil
		}
		var perr error
		if sum, p, perr = f.putProgram(rawURL+" file "+file, e.r); perr != nil {
			return perr
		}
		return errStop
	})
	switch {
	case errors.Is(err, ErrNotWasm):
		return "", "", err
	case err != nil:
		return "", "", failf(ErrArchive, rawURL, err, "the archive cannot be read")
	case p == "":
		return "", "", failf(ErrArchive, rawURL, nil, "the archive has no file %s%s", file, memberHint(name, names))
	}
	return p, sum, nil
}

// memberHint suggests the name the user probably meant, or lists a few.
func memberHint(name string, names []string) string {
	for _, n := range names {
		if n == "package/"+name {
			return "; npm tarballs put everything under package/: write file: " + n
		}
	}
	for _, n := range names {
		if path.Base(n) == path.Base(name) {
			return "; did you mean file: " + n + "?"
		}
	}
	if len(names) > 5 {
		names = append(names[:5:5], "…")
	}
	return "; check file: (the archive holds " + strings.Join(names, ", ") + ")"
}
