//go:build !linux

package safefs

// Preopen returns the path to hand to a program that opens the folder by
// name (wasmtime's wasi_config_preopen_dir). Outside Linux there is no
// magic link to an open folder, so this is the real path checked when the
// Dir was opened: a guest that runs at the same time and can write a
// folder on that path could swap in a symlink between the check and the
// program's open. Runs one at a time, or tasks that share no writable
// folder, are not exposed.
func (d *Dir) Preopen() (string, error) { return d.path, nil }
