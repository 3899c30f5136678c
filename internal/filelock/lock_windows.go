//go:build windows

package filelock

import (
	"os"
	"syscall"
	"unsafe"
)

// lockFileEx is kernel32's LockFileEx, which the syscall package does not
// wrap.
var lockFileEx = syscall.NewLazyDLL("kernel32.dll").NewProc("LockFileEx")

const lockfileExclusiveLock = 0x2

// lock takes LockFileEx's exclusive lock on the file's first byte range,
// which belongs to the file handle: a second handle, in any process,
// waits for it. Closing the handle releases it.
func lock(f *os.File) error {
	var ol syscall.Overlapped
	r, _, err := lockFileEx.Call(f.Fd(), lockfileExclusiveLock, 0, 1, 0, uintptr(unsafe.Pointer(&ol)))
	if r == 0 {
		return err
	}
	return nil
}
