package safefs

import (
	"fmt"
	"os"
)

// Preopen returns the path to hand to a program that opens the folder by
// name (wasmtime's wasi_config_preopen_dir): on Linux the magic link
// /proc/self/fd/N of the folder opened here, which leads to exactly this
// folder whatever happens to its path meanwhile. It stays valid until the
// Dir is closed.
func (d *Dir) Preopen() (string, error) {
	if d.file == nil {
		f, err := d.root.Open(".")
		if err != nil {
			return "", err
		}
		d.file = f
	}
	p := fmt.Sprintf("/proc/self/fd/%d", d.file.Fd())
	want, err := d.file.Stat()
	if err != nil {
		return "", err
	}
	if got, err := os.Stat(p); err != nil || !os.SameFile(got, want) {
		return "", fmt.Errorf("%s: /proc/self/fd does not lead to the opened folder (is /proc mounted?); wasmtasks needs it to hand the folder over safely", d.path)
	}
	return p, nil
}
