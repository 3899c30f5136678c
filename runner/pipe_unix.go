//go:build unix

package runner

import (
	"fmt"
	"os"
)

// pipePath returns the path by which wasmtime, which opens a guest's
// stream files by name, opens the pipe end f in this process.
func pipePath(f *os.File) (string, error) {
	return fmt.Sprintf("/dev/fd/%d", f.Fd()), nil
}
