//go:build !unix

package runner

// canPool reports whether the pooling allocator may be used: elsewhere
// than Unix it is not tried.
func canPool() bool { return false }
