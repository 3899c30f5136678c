// Package msg is a dependency of gen inside the same module.
package msg

var suffix = ""

// Text returns what gen prints.
func Text() string { return "hello from gen" + suffix }
