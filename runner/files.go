package runner

import (
	"os"
	"syscall"
)

// fileStamp identifies one version of a file without reading it: a file
// that is written or replaced changes its inode, size, modification time
// or status-change time (which no program can set back).
type fileStamp struct {
	dev, ino     uint64
	size         int64
	mtime, ctime int64
}

func statFile(path string) (fileStamp, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileStamp{size: fi.Size(), mtime: fi.ModTime().UnixNano()}, nil
	}
	return fileStamp{
		dev: uint64(st.Dev), ino: st.Ino, size: st.Size,
		mtime: st.Mtim.Nano(), ctime: st.Ctim.Nano(),
	}, nil
}

// loaded returns the program the engine loaded from path, if the file has
// not changed since: repeated runs of one program skip reading and hashing
// it.
func (e *Engine) loaded(path string, stamp fileStamp) *program {
	e.progMu.Lock()
	defer e.progMu.Unlock()
	f, ok := e.files[path]
	if !ok || f.stamp != stamp || stamp.mtime == 0 {
		return nil
	}
	return f.prog
}

// remember records that path, as stamped, holds the program.
func (e *Engine) remember(path string, stamp fileStamp, p *program) {
	e.progMu.Lock()
	defer e.progMu.Unlock()
	e.files[path] = loadedFile{stamp: stamp, prog: p}
}

type loadedFile struct {
	stamp fileStamp
	prog  *program
}
