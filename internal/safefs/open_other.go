//go:build !unix

package safefs

import "os"

// openNonBlocking opens path read-only. Outside Unix there are no named
// pipes in the file system to block on; symbolic links are followed.
func openNonBlocking(path string, _ bool) (*os.File, error) {
	return os.Open(path)
}
