package capi

// #include "capi.h"
import "C"

import (
	"fmt"
	"runtime/cgo"
)

// newWasiConfig builds a wasi_config_t.
func newWasiConfig(w *WASI) (*C.wasi_config_t, error) {
	var cs cStrings
	defer cs.freeAll()
	c := C.wasi_config_new()
	ok := setArgv(c, w.Args, &cs) && setEnv(c, w.Env, &cs)
	if !ok {
		C.wasi_config_delete(c)
		return nil, fmt.Errorf("wasi: arguments or environment contain invalid bytes")
	}
	switch {
	case w.InheritStdin:
		C.wasi_config_inherit_stdin(c)
	case w.StdinFile != "":
		if !C.wasi_config_set_stdin_file(c, cs.add(w.StdinFile)) {
			C.wasi_config_delete(c)
			return nil, fmt.Errorf("wasi: cannot open %s for stdin", w.StdinFile)
		}
	}
	switch {
	case w.InheritStdout:
		C.wasi_config_inherit_stdout(c)
	case w.StdoutFile != "":
		if !C.wasi_config_set_stdout_file(c, cs.add(w.StdoutFile)) {
			C.wasi_config_delete(c)
			return nil, fmt.Errorf("wasi: cannot open %s for stdout", w.StdoutFile)
		}
	}
	switch {
	case w.InheritStderr:
		C.wasi_config_inherit_stderr(c)
	case w.StderrFile != "":
		if !C.wasi_config_set_stderr_file(c, cs.add(w.StderrFile)) {
			C.wasi_config_delete(c)
			return nil, fmt.Errorf("wasi: cannot open %s for stderr", w.StderrFile)
		}
	}
	for _, d := range w.Dirs {
		dirPerms := C.size_t(C.WASMTIME_WASI_DIR_PERMS_READ)
		filePerms := C.size_t(C.WASMTIME_WASI_FILE_PERMS_READ)
		if !d.ReadOnly {
			dirPerms |= C.WASMTIME_WASI_DIR_PERMS_WRITE
			filePerms |= C.WASMTIME_WASI_FILE_PERMS_WRITE
		}
		if !C.wasi_config_preopen_dir(c, cs.add(d.Host), cs.add(d.Guest), dirPerms, filePerms) {
			C.wasi_config_delete(c)
			return nil, fmt.Errorf("wasi: cannot open directory %s", d.Host)
		}
	}
	return c, nil
}

// newHandle makes a handle for a Go value that C calls back with; the
// handle is recorded in *handles for deletion after the run.
func newHandle(v any, handles *[]cgo.Handle) cgo.Handle {
	h := cgo.NewHandle(v)
	*handles = append(*handles, h)
	return h
}

func setArgv(c *C.wasi_config_t, args []string, cs *cStrings) bool {
	if len(args) == 0 {
		return true
	}
	argv := newCArray(len(args))
	defer argv.free()
	for i, a := range args {
		argv.set(i, cs.add(a))
	}
	return bool(C.wasi_config_set_argv(c, C.size_t(len(args)), argv.first()))
}

func setEnv(c *C.wasi_config_t, env [][2]string, cs *cStrings) bool {
	if len(env) == 0 {
		return true
	}
	names, values := newCArray(len(env)), newCArray(len(env))
	defer names.free()
	defer values.free()
	for i, kv := range env {
		names.set(i, cs.add(kv[0]))
		values.set(i, cs.add(kv[1]))
	}
	return bool(C.wasi_config_set_env(c, C.size_t(len(env)), names.first(), values.first()))
}
