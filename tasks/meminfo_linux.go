package tasks

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// physicalMemory is MemTotal of /proc/meminfo in bytes, or 0 when it
// cannot be read.
func physicalMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "MemTotal:"); ok {
			var kib int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kib); err != nil {
				return 0
			}
			return kib << 10
		}
	}
	return 0
}
