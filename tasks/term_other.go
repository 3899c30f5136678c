//go:build !(linux || darwin)

package tasks

import "os"

// termWidth reports no terminal: where the window size cannot be read
// without new dependencies, progress is printed as plain lines.
func termWidth(*os.File) (int, bool) { return 0, false }
