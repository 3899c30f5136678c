//go:build !wasmtasks_gcdebug

package capi

// maybeGC does nothing without the wasmtasks_gcdebug build tag.
func maybeGC() {}
