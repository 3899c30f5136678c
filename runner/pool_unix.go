//go:build unix

package runner

import "syscall"

// canPool reports whether the process may reserve the pooling allocator's
// terabytes of address space: not under a limit on it (ulimit -v), where
// the reservation would fail.
func canPool() bool {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_AS, &l); err != nil {
		return false
	}
	var unlimited int64 = syscall.RLIM_INFINITY // -1 on Linux, 1<<63-1 elsewhere
	return l.Cur == uint64(unlimited)
}
