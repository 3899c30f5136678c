package main

import (
	"os"
	"syscall"
)

// peakRSS is the most memory a finished child process held resident, in
// bytes (Linux reports ru_maxrss in KiB).
func peakRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss << 10
	}
	return 0
}
