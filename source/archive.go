package source

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// entry is one member of an archive, as the walk over it gives it.
type entry struct {
	name string // cleaned, slash-separated; "" for the archive's root
	mode fs.FileMode
	link string // a symbolic link's target
	size int64  // as the archive declares it
	r    io.Reader
}

// errStop ends a walk early without an error.
var errStop = errors.New("stop")

// walkArchive calls fn for each member of the .tar.gz or .zip archive at
// file, told apart by their first bytes. Names that are absolute or climb
// out with ".." are an error.
func walkArchive(file string, fn func(entry) error) error {
	fh, err := os.Open(file)
	if err != nil {
		return err
	}
	defer fh.Close()
	head := make([]byte, 4)
	if _, err := io.ReadFull(fh, head); err != nil {
		return fmt.Errorf("%w: too short to be an archive", ErrArchive)
	}
	switch {
	case head[0] == 0x1f && head[1] == 0x8b:
		if _, err := fh.Seek(0, io.SeekStart); err != nil {
			return err
		}
		err = walkTarGz(fh, fn)
	case bytes.Equal(head, []byte("PK\x03\x04")), bytes.Equal(head, []byte("PK\x05\x06")):
		fi, err2 := fh.Stat()
		if err2 != nil {
			return err2
		}
		err = walkZip(fh, fi.Size(), fn)
	default:
		return fmt.Errorf("%w: neither a .tar.gz nor a .zip archive (it starts with %q)", ErrArchive, head)
	}
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

func walkTarGz(r io.Reader, fn func(entry) error) error {
	gz, err := gzip.NewReader(bufio.NewReader(r))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrArchive, err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %w", ErrArchive, err)
		}
		e := entry{mode: h.FileInfo().Mode(), link: h.Linkname, size: h.Size, r: tr}
		switch h.Typeflag {
		case tar.TypeXGlobalHeader:
			continue
		case tar.TypeLink:
			return fmt.Errorf("%w: %s is a hard link, which wasmtasks does not unpack", ErrArchive, h.Name)
		}
		if e.name, err = memberName(h.Name); err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
}

func walkZip(r io.ReaderAt, size int64, fn func(entry) error) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrArchive, err)
	}
	for _, zf := range zr.File {
		name, err := memberName(zf.Name)
		if err != nil {
			return err
		}
		if err := walkZipFile(zf, name, fn); err != nil {
			return err
		}
	}
	return nil
}

func walkZipFile(zf *zip.File, name string, fn func(entry) error) error {
	e := entry{name: name, mode: zf.Mode(), size: int64(zf.UncompressedSize64)}
	if e.mode.IsDir() {
		return fn(e)
	}
	rc, err := zf.Open()
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrArchive, zf.Name, err)
	}
	defer rc.Close()
	if e.mode&fs.ModeSymlink != 0 {
		b, err := io.ReadAll(io.LimitReader(rc, 4096))
		if err != nil {
			return fmt.Errorf("%w: %s: %w", ErrArchive, zf.Name, err)
		}
		e.link = string(b)
		return fn(e)
	}
	e.r = rc
	return fn(e)
}

// memberName cleans an archive member's name, refusing absolute names,
// backslashes and any ".." part.
func memberName(name string) (string, error) {
	n := strings.TrimSuffix(name, "/")
	bad := path.IsAbs(n) || strings.Contains(n, "\\") || strings.ContainsRune(n, 0)
	for _, part := range strings.Split(n, "/") {
		bad = bad || part == ".."
	}
	if bad {
		return "", fmt.Errorf("%w: member %q would land outside the archive's folder", ErrArchive, name)
	}
	n = path.Clean(n)
	if n == "." {
		n = ""
	}
	return n, nil
}
