// Package envname is the one definition of a valid environment variable
// name, shared by the task file, its JSON Schema and the command line.
package envname

import "github.com/wasmtasks/wasmtasks/internal/lazyre"

// Pattern is a portable variable name as a regular expression: letters,
// digits and underscores, not starting with a digit (POSIX's "name"). It
// reads the same in Go and in JSON Schema.
const Pattern = `^[A-Za-z_][A-Za-z0-9_]*$`

var re = lazyre.New(Pattern)

// Valid reports whether s matches [Pattern].
func Valid(s string) bool { return re.MatchString(s) }
