// Package examples builds the example programs under examples/ into
// examples/build/, where the root wasmtasks.yaml finds them. Each program
// is rebuilt only when its source or the tools changed.
package examples

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/wasmtasks/wasmtasks/internal/wasmbuild"
)

// Program is one example program.
type Program struct {
	Name string
	// Source is the C file or Go package folder, relative to examples/.
	Source string
	// Component is true for a wasi:cli component, false for a preview1
	// module.
	Component bool
}

// Programs are the examples the root task file runs: C programs as
// components, and the Go program as a preview1 module (see examples/gzip).
var Programs = []Program{
	{Name: "hello", Source: "hello/hello.c", Component: true},
	{Name: "gen", Source: "gen/gen.c", Component: true},
	{Name: "lint", Source: "lint/lint.c", Component: true},
	{Name: "gzip", Source: "gzip", Component: false},
}

// Build builds every example program under root/examples that is missing
// or out of date, and the folder the tasks write into, and says what it did
// on log.
func Build(root string, log io.Writer) error {
	dir := filepath.Join(root, "examples")
	build := filepath.Join(dir, "build")
	if err := os.MkdirAll(filepath.Join(build, "out"), 0o755); err != nil {
		return err
	}
	for _, p := range Programs {
		if err := p.build(root, dir, build, log); err != nil {
			return fmt.Errorf("example %s: %w", p.Name, err)
		}
	}
	return nil
}

func (p Program) build(root, dir, build string, log io.Writer) error {
	src := filepath.Join(dir, p.Source)
	out := filepath.Join(build, p.Name+".wasm")
	key, err := p.key(root, src)
	if err != nil {
		return err
	}
	stamp := out + ".stamp"
	if old, err := os.ReadFile(stamp); err == nil && string(old) == key {
		if _, err := os.Stat(out); err == nil {
			fmt.Fprintf(log, "examples: %s.wasm is up to date\n", p.Name)
			return nil
		}
	}
	// Temporary names are per process: tests of several packages may build
	// at the same time.
	core := fmt.Sprintf("%s.%d.core.tmp", out, os.Getpid())
	defer os.Remove(core)
	if filepath.Ext(src) == ".c" {
		err = wasmbuild.C(src, core, false)
	} else {
		err = wasmbuild.Go(src, core)
	}
	if err != nil {
		return err
	}
	kind := "module"
	final := core
	if p.Component {
		kind = "component"
		final = fmt.Sprintf("%s.%d.component.tmp", out, os.Getpid())
		defer os.Remove(final)
		if err := wasmbuild.Component(root, core, final, false); err != nil {
			return err
		}
	}
	if err := os.Rename(final, out); err != nil {
		return err
	}
	fmt.Fprintf(log, "examples: built %s.wasm (%s)\n", p.Name, kind)
	return os.WriteFile(stamp, []byte(key), 0o644)
}

// key hashes the program's sources, its kind and the tools.
func (p Program) key(root, src string) (string, error) {
	h := sha256.New()
	files := []string{src}
	if fi, err := os.Stat(src); err == nil && fi.IsDir() {
		files, _ = filepath.Glob(filepath.Join(src, "*.go"))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(f), len(b))
		h.Write(b)
	}
	fmt.Fprintln(h, p.Component, wasmbuild.ToolsDigest(root))
	return hex.EncodeToString(h.Sum(nil)), nil
}
