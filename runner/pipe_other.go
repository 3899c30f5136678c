//go:build !unix

package runner

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

// errNoPipes is why a Cmd on this platform cannot stream a guest's
// standard streams to and from Go readers and writers.
var errNoPipes = fmt.Errorf("on %s a guest's stdin, stdout and stderr can only be "+
	"the process's own (os.Stdin, os.Stdout, os.Stderr) or nil: wasmtime opens stream "+
	"files by path, and there is no /dev/fd to name a pipe by: %w", runtime.GOOS, errors.ErrUnsupported)

// pipePath fails: without /dev/fd a pipe has no path.
func pipePath(*os.File) (string, error) { return "", errNoPipes }
