package source

import "time"

// SetExtractBounds lowers the bounds on unpacking for a test and returns
// what restores them.
func SetExtractBounds(bytes int64, entries int) (restore func()) {
	b, e := maxExtractBytes, maxExtractEntries
	maxExtractBytes, maxExtractEntries = bytes, entries
	return func() { maxExtractBytes, maxExtractEntries = b, e }
}

// SetStallTimeout lowers how long a server may send nothing for a test
// and returns what restores it.
func SetStallTimeout(d time.Duration) (restore func()) {
	old := stallTimeout
	stallTimeout = d
	return func() { stallTimeout = old }
}
