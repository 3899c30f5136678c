// Package lazyre is a regular expression compiled on its first use rather
// than when the process starts. Every package-level regexp.MustCompile of
// a package that the command links costs every start of the command, also
// of one (like `wasmtasks exec`) that never uses it: the task file's
// grammars alone cost ~0.7 ms and 330 KB of heap per start.
package lazyre

import (
	"regexp"
	"sync"
)

// Regexp is a pattern compiled when first matched. A pattern that does
// not compile panics then, as regexp.MustCompile would at start-up; the
// tests of the package that declares it find that.
type Regexp struct {
	pattern string
	re      func() *regexp.Regexp
}

// New returns a Regexp for pattern, compiled on first use.
func New(pattern string) *Regexp {
	return &Regexp{pattern: pattern, re: sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(pattern)
	})}
}

// MatchString reports whether s contains a match of the pattern.
func (r *Regexp) MatchString(s string) bool { return r.re().MatchString(s) }

// String returns the pattern, without compiling it.
func (r *Regexp) String() string { return r.pattern }
