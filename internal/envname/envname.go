// Package envname is the one definition of a valid environment variable
// name, shared by the task file and the command line.
package envname

// Valid reports whether s is a portable variable name: letters, digits and
// underscores, not starting with a digit (POSIX's "name").
func Valid(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}
