//go:build unix

package filelock

import (
	"os"
	"syscall"
)

// lock takes flock's exclusive lock, which belongs to the open file: a
// second open of the same file, in any process, waits for it.
func lock(f *os.File) error {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			return err
		}
	}
}
