//go:build linux || darwin

package tasks

import (
	"os"
	"syscall"
	"unsafe"
)

// termWidth returns the width of the terminal f in columns, and false when
// f is not a terminal.
func termWidth(f *os.File) (int, bool) {
	var ws struct{ row, col, xpixel, ypixel uint16 }
	conn, err := f.SyscallConn()
	if err != nil {
		return 0, false
	}
	var errno syscall.Errno
	err = conn.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, uintptr(syscall.TIOCGWINSZ), uintptr(unsafe.Pointer(&ws)))
	})
	return int(ws.col), err == nil && errno == 0
}
