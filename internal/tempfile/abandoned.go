package tempfile

import (
	"strconv"
	"strings"
)

// Abandoned reports whether the base name name is a temporary name made by
// [Name] whose writer no longer runs, whatever file it was meant to become,
// so that a sweep of a whole folder can remove it.
func Abandoned(name string) bool {
	if !Is(name) {
		return false
	}
	_, rest, _ := strings.Cut(name, marker)
	pid, _, _ := strings.Cut(rest, "-")
	n, err := strconv.Atoi(pid)
	return err == nil && n > 0 && ProcessGone(n)
}
