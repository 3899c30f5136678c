//go:build wasmtasks_gcdebug

package capi

import "runtime"

// maybeGC collects garbage at every use of a C pointer when the
// wasmtasks_gcdebug build tag is set, so that a Go object freed while C
// still uses its pointer (a missing runtime.KeepAlive) fails in tests
// instead of in production, the way wasmtime-go's debug tag does.
func maybeGC() { runtime.GC() }
