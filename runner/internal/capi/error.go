package capi

import (
	"fmt"
	"strings"
)

// Error is a wasmtime error or trap converted to Go, once, at the boundary.
type Error struct {
	// Cause says why the call failed, decided here from what the C API
	// reports, never from the message.
	Cause Cause
	// Message is what went wrong: wasmtime's error and its causes on one line.
	Message string
	// Backtrace holds the guest's wasm stack, one frame a line, when the
	// error happened while wasm was running.
	Backtrace string
	// Status is the guest's exit status when Cause is Exited.
	Status int

	inWasm bool // wasmtime_error_wasm_trace found frames: wasm was running
}

// Cause is why a call into wasmtime failed. The zero value, Failed, is a
// failure that nothing tells apart as the guest's own doing.
type Cause uint8

const (
	// Failed: wasmtime or the host failed (compiling, linking, settings).
	Failed Cause = iota
	// Exited: the guest called exit (WASI proc_exit or wasi:cli/exit), with
	// [Error.Status]; wasmtime_error_exit_status said so.
	Exited
	// Trapped: an instruction of the guest trapped (unreachable,
	// out-of-bounds access, stack overflow). For a core module, wasmtime
	// returns a wasm_trap_t for exactly that. For a component, v39's C API
	// returns only a wasmtime_error_t, whose trap code it does not expose
	// (wasmtime_trap_code takes a wasm_trap_t), so there every error of the
	// entry point that carries a wasm backtrace counts: a failure of a host
	// call beneath the guest's code too.
	Trapped
	// Interrupted: the store's interrupt (see [Sandbox.SetInterrupt])
	// stopped the guest.
	Interrupted
)

func (e *Error) Error() string {
	if e.Backtrace == "" {
		return e.Message
	}
	return e.Message + "\nwasm backtrace:\n" + e.Backtrace
}

const wasmTraceHead = "error while executing at wasm backtrace:"

// parseMessage splits wasmtime's (anyhow's) debug text into the error with
// its causes and the wasm backtrace; the native stack trace that
// RUST_BACKTRACE adds is dropped, it says nothing about the guest.
func parseMessage(raw string) (msg, trace string) {
	if i := strings.Index(raw, "\nStack backtrace:"); i >= 0 {
		raw = raw[:i]
	}
	head, causes, _ := strings.Cut(raw, "\nCaused by:\n")
	var parts, frames []string
	if rest, ok := strings.CutPrefix(strings.TrimSpace(head), wasmTraceHead); ok {
		frames = parseFrames(rest)
	} else if h := strings.TrimSpace(head); h != "" {
		parts = append(parts, h)
	}
	for _, l := range strings.Split(causes, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		// Several causes are numbered "0: …", "1: …".
		if n, text, ok := strings.Cut(l, ": "); ok && strings.Trim(n, "0123456789") == "" {
			l = text
		}
		parts = append(parts, l)
	}
	return strings.Join(parts, ": "), strings.Join(frames, "\n")
}

// maxFrames bounds the backtrace kept in an error.
const maxFrames = 24

// parseFrames turns wasmtime's numbered frames into lines, folding a run of
// the same frame (deep recursion) into one line with a count.
func parseFrames(text string) []string {
	var frames []string
	var last string
	repeat := 0
	flush := func() {
		switch {
		case last == "":
		case repeat > 1:
			frames = append(frames, fmt.Sprintf("    %s (×%d)", last, repeat))
		default:
			frames = append(frames, "    "+last)
		}
	}
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "note:") {
			continue
		}
		if _, frame, ok := strings.Cut(l, ": "); ok {
			l = strings.TrimSpace(frame)
		}
		l = strings.ReplaceAll(l, "<unknown>!", "")
		if l == last {
			repeat++
			continue
		}
		flush()
		last, repeat = l, 1
	}
	flush()
	if len(frames) > maxFrames {
		frames = append(frames[:maxFrames], fmt.Sprintf("    … %d more frames", len(frames)-maxFrames))
	}
	return frames
}
