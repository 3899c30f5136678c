// Package codecheck holds tests that read the module's own Go source to
// keep rules no compiler checks: an error's kind is data, never its text.
package codecheck
