package store

import (
	"fmt"
	"os"
)

// loadPath returns /proc/self/fd/N for the open file f: opening that path
// opens the very file f has open, whatever now stands under its name. If
// /proc is not mounted it falls back to f's name.
func loadPath(f *os.File) string {
	p := fmt.Sprintf("/proc/self/fd/%d", f.Fd())
	fi, err1 := os.Stat(p)
	ours, err2 := f.Stat()
	if err1 != nil || err2 != nil || !os.SameFile(fi, ours) {
		return f.Name()
	}
	return p
}
