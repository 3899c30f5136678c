// Package filestamp identifies one version of a file without reading it,
// so that a digest computed once can be reused while the file is unchanged.
package filestamp

import (
	"io/fs"
	"os"
)

// Stamp is what the file system says about one version of a file. A file
// that is written or replaced changes its inode, size, modification time or
// status-change time; no program can set the status-change time back, so
// where it is known (Ctime != 0) an equal Stamp means equal content.
type Stamp struct {
	Dev   uint64 `json:"dev,omitempty"`
	Ino   uint64 `json:"ino,omitempty"`
	Size  int64  `json:"size"`
	Mtime int64  `json:"mtime"`
	Ctime int64  `json:"ctime,omitempty"`
}

// Of returns the stamp of the file fi describes.
func Of(fi fs.FileInfo) Stamp {
	s := Stamp{Size: fi.Size(), Mtime: fi.ModTime().UnixNano()}
	sysStamp(fi, &s)
	return s
}

// Stat returns the stamp of the file at path, following symlinks.
func Stat(path string) (Stamp, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return Stamp{}, err
	}
	return Of(fi), nil
}

// Reliable reports whether the stamp carries a status-change time, without
// which a program could set a changed file's stamp back to an old one.
func (s Stamp) Reliable() bool { return s.Ctime != 0 }
