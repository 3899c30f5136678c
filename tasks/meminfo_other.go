//go:build !linux

package tasks

// physicalMemory is unknown on this platform: no default memory budget.
func physicalMemory() int64 { return 0 }
