//go:build !linux

package store

import "os"

// loadPath returns f's name: without /proc/self/fd there is no path that
// names an open file, so a file swapped in after the check could be loaded
// by whoever can write the store folder (which Open allows only to us).
func loadPath(f *os.File) string { return f.Name() }
