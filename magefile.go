//go:build mage

// The wasmtasks project's own mage targets. Run them with `go tool mage`;
// `go tool mage -l` lists them.
package main

import (
	"os"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"

	"github.com/wasmtasks/wasmtasks/internal/toolchain"
)

// Deps installs what building the example and test programs needs: the
// Debian packages for C to WASI (when run as root) and the pinned npm
// packages.
func Deps() error {
	if err := toolchain.EnsureDebian(os.Stdout, toolchain.DebianPackages...); err != nil {
		return err
	}
	return toolchain.EnsureNPM(os.Stdout, ".")
}

// Test installs what the tests need and runs every test with the race
// detector.
func Test() error {
	if err := Deps(); err != nil {
		return err
	}
	return sh.RunV("go", "test", "-race", "-count=1", "./...")
}

// Cache groups the targets that manage the store of compiled code.
type Cache mg.Namespace

// Info prints the store's folder, entries and size.
func (Cache) Info() error { return wasmtasks("cache", "info") }

// Prune shrinks the store to its cap, least recently used first.
func (Cache) Prune() error { return wasmtasks("cache", "prune") }

// Clear removes every entry from the store.
func (Cache) Clear() error { return wasmtasks("cache", "clear") }

// wasmtasks runs the command-line front end, so that mage targets and the
// command share one implementation and one exit status.
func wasmtasks(args ...string) error {
	return sh.RunV("go", append([]string{"run", "./cmd/wasmtasks"}, args...)...)
}
