package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/wasmtasks/wasmtasks/internal/tempfile"
)

// Bounds on what unpacking one archive may make (variables for tests).
var (
	maxExtractBytes   int64 = 4 << 30
	maxExtractEntries       = 100_000
)

// ArchiveDir returns the folder member (slash-separated; "" for the whole
// archive) of the archive spec.URL serves, unpacked once into
// archives/sha256/<digest>/ under Dir. spec.SHA256 is the archive's
// digest. Tools whose data files ship beside the program mount it
// read-only. The archive is unpacked into a temporary folder that is
// renamed when complete; names that would land outside it, links that
// lead out of it, hard links, devices and more than 4 GiB or 100,000
// entries are refused.
func (f *Fetcher) ArchiveDir(ctx context.Context, spec Spec, member string) (string, error) {
	want, _, err := urlRef(Spec{URL: spec.URL, SHA256: spec.SHA256})
	if err != nil {
		return "", err
	}
	rel, err := memberName(member)
	if err != nil || (rel != "" && !filepath.IsLocal(filepath.FromSlash(rel))) {
		return "", failf(ErrSpec, spec.URL, err, "folder %q is not a path inside the archive", member)
	}
	root := filepath.Join(f.Dir, "archives", "sha256", want)
	if _, err := os.Lstat(root); errors.Is(err, fs.ErrNotExist) {
		if err := f.unpack(ctx, spec.URL, want, root); err != nil {
			return "", err
		}
	} else {
		touch(root) // used now, for Prune
	}
	dir := filepath.Join(root, filepath.FromSlash(rel))
	if err := plainFolder(root, rel); err != nil {
		return "", failf(ErrArchive, spec.URL, err, "the archive has no folder %q; check the folder's name", member)
	}
	return dir, nil
}

// plainFolder checks that rel, under root, is a folder reached without a
// symbolic link.
func plainFolder(root, rel string) error {
	p := root
	for _, part := range strings.Split(rel, "/") {
		if part == "" {
			continue
		}
		p = filepath.Join(p, part)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		if !fi.IsDir() {
			return fmt.Errorf("%s is not a folder", part)
		}
	}
	return nil
}

// unpack extracts the archive into root, through a temporary folder.
func (f *Fetcher) unpack(ctx context.Context, rawURL, want, root string) error {
	ar, err := f.archive(ctx, rawURL, want)
	if err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(root), tempfile.Name(want))
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return fmt.Errorf("source: %w", err)
	}
	defer os.RemoveAll(tmp)
	x := &extractor{root: tmp, links: map[string]bool{}}
	if err := walkArchive(ar, x.add); err != nil {
		return failf(ErrArchive, rawURL, err, "the archive cannot be unpacked")
	}
	if err := x.checkLinks(); err != nil {
		return failf(ErrArchive, rawURL, err, "the archive cannot be unpacked")
	}
	if err := os.Rename(tmp, root); err != nil {
		if _, serr := os.Lstat(root); serr != nil {
			return fmt.Errorf("source: %w", err)
		}
		// Another process unpacked the same archive first.
	}
	return nil
}

// extractor writes the members of one archive under root.
type extractor struct {
	root    string
	links   map[string]bool // the symbolic links made so far
	bytes   int64
	entries int
}

func (x *extractor) add(e entry) error {
	if e.name == "" {
		return nil
	}
	if x.entries++; x.entries > maxExtractEntries {
		return fmt.Errorf("more than %d entries", maxExtractEntries)
	}
	if err := x.checkPath(e.name); err != nil {
		return err
	}
	dst := filepath.Join(x.root, filepath.FromSlash(e.name))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	switch {
	case e.mode.IsDir():
		return os.MkdirAll(dst, 0o755)
	case e.mode&fs.ModeSymlink != 0:
		x.links[e.name] = true
		return x.symlink(e, dst)
	case e.mode.IsRegular():
		return x.file(e, dst)
	}
	return fmt.Errorf("%s is a %s, which wasmtasks does not unpack", e.name, e.mode.Type())
}

// checkPath refuses a name that is not local or that goes through a
// symbolic link made earlier, which could lead anywhere.
func (x *extractor) checkPath(name string) error {
	if !filepath.IsLocal(filepath.FromSlash(name)) {
		return fmt.Errorf("member %q would land outside the archive's folder", name)
	}
	for p := name; ; {
		i := strings.LastIndexByte(p, '/')
		if i < 0 {
			return nil
		}
		p = p[:i]
		if x.links[p] {
			return fmt.Errorf("member %q is inside %s, a symbolic link", name, p)
		}
	}
}

func (x *extractor) symlink(e entry, dst string) error {
	if e.link == "" || filepath.IsAbs(e.link) || strings.Contains(e.link, "\\") {
		return fmt.Errorf("%s is a symbolic link to %q, outside the archive", e.name, e.link)
	}
	return os.Symlink(e.link, dst)
}

func (x *extractor) file(e entry, dst string) error {
	mode := fs.FileMode(0o644)
	if e.mode&0o111 != 0 {
		mode = 0o755
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("%s: %w (a name twice in the archive?)", e.name, err)
	}
	n, err := io.Copy(out, io.LimitReader(e.r, maxExtractBytes-x.bytes+1))
	x.bytes += n
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && x.bytes > maxExtractBytes {
		err = fmt.Errorf("it unpacks to more than %d bytes", maxExtractBytes)
	}
	return err
}

// checkLinks refuses links that, resolved on the disk, lead out of root or
// nowhere.
func (x *extractor) checkLinks() error {
	real, err := filepath.EvalSymlinks(x.root)
	if err != nil {
		return err
	}
	for name := range x.links {
		to, err := filepath.EvalSymlinks(filepath.Join(x.root, filepath.FromSlash(name)))
		if err != nil {
			return fmt.Errorf("%s is a symbolic link that leads nowhere: %w", name, err)
		}
		if to != real && !strings.HasPrefix(to, real+string(filepath.Separator)) {
			return fmt.Errorf("%s is a symbolic link that leads out of the archive", name)
		}
	}
	return nil
}
