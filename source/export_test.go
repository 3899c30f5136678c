package source

// SetExtractBounds lowers the bounds on unpacking for a test and returns
// what restores them.
func SetExtractBounds(bytes int64, entries int) (restore func()) {
	b, e := maxExtractBytes, maxExtractEntries
	maxExtractBytes, maxExtractEntries = bytes, entries
	return func() { maxExtractBytes, maxExtractEntries = b, e }
}
