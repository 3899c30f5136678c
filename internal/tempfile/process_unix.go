//go:build unix

package tempfile

import "syscall"

// ProcessGone reports whether no process with the ID pid exists. A process
// of another user still counts as existing (kill fails with EPERM).
func ProcessGone(pid int) bool {
	return syscall.Kill(pid, 0) == syscall.ESRCH
}
