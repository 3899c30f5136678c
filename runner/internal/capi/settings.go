package capi

// WasmtimeVersion is the version of the wasmtime C library this binding
// declares and links. It is Go, not C, so that a build without cgo knows it
// too; TestLayoutMatchesHeaders checks it against wasmtime's headers.
const WasmtimeVersion = "39.0.0"

// Settings are the engine settings that change generated code. Every field
// takes part in [Settings.Fingerprint], so compiled artifacts made with other
// settings are never mistaken for ours.
type Settings struct {
	// EpochInterruption compiles epoch checks into every loop and function
	// entry, so a running guest can be stopped.
	EpochInterruption bool
	// WasmThreads allows shared memories and atomic waits. Off, a program
	// that declares a shared memory is refused when it is compiled: with no
	// WASI threads offered, memory.atomic.wait32 on a shared memory could
	// only block its run forever, in a wait that epoch interruption cannot
	// reach. wasmtime's own default is on.
	WasmThreads bool
}

// Fingerprint identifies the generated code of an engine with these settings
// on this wasmtime version, for keying stored artifacts.
func (s Settings) Fingerprint() string {
	fp := "wasmtime=" + WasmtimeVersion + ";component-model=1"
	if s.EpochInterruption {
		fp += ";epoch-interruption=1"
	}
	if s.WasmThreads {
		fp += ";threads=1"
	} else {
		fp += ";threads=0"
	}
	return fp
}
