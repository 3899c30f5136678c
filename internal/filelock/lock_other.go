//go:build !unix && !windows

package filelock

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

// lock fails: this platform has no file lock that wasmtasks knows.
func lock(*os.File) error {
	return fmt.Errorf("no file locks on %s: %w", runtime.GOOS, errors.ErrUnsupported)
}
