package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/wasmtasks/wasmtasks/internal/wasmbuild"
)

// programs are one workload's builds: C as a native binary, a preview1
// module and a component; Go as a native binary and a preview1 module.
type programs struct {
	cNative, cModule, cComponent string
	goNative, goModule           string
}

// tools are the command-line peers.
type tools struct {
	wasmtasks, wtgo, wz, jco string
}

// build compiles every guest and peer into dir.
func build(root, dir string) (map[string]programs, tools, error) {
	progs := map[string]programs{}
	for _, name := range []string{"hello", "sha", "lz"} {
		p := programs{
			cNative:    filepath.Join(dir, name+".c.native"),
			cModule:    filepath.Join(dir, name+".c.module.wasm"),
			cComponent: filepath.Join(dir, name+".c.component.wasm"),
			goNative:   filepath.Join(dir, name+".go.native"),
			goModule:   filepath.Join(dir, name+".go.module.wasm"),
		}
		src := filepath.Join("guests", "c", name+".c")
		steps := []func() error{
			func() error { return run("", "cc", "-O2", "-o", p.cNative, src) },
			func() error { return wasmbuild.C(src, p.cModule, false) },
			func() error { return wasmbuild.Component(root, p.cModule, p.cComponent, false) },
			func() error { return run(filepath.Join("guests", "go", name), "go", "build", "-o", p.goNative, ".") },
			func() error { return wasmbuild.Go(filepath.Join("guests", "go", name), p.goModule) },
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return nil, tools{}, err
			}
		}
		progs[name] = p
	}
	t := tools{
		wasmtasks: filepath.Join(dir, "wasmtasks"),
		wtgo:      filepath.Join(dir, "wtgo"),
		wz:        filepath.Join(dir, "wz"),
		jco:       filepath.Join(root, "node_modules", ".bin", "jco"),
	}
	if err := run(root, "go", "build", "-o", t.wasmtasks, "./cmd/wasmtasks"); err != nil {
		return nil, t, err
	}
	for name, out := range map[string]string{"wtgo": t.wtgo, "wz": t.wz} {
		if err := run("", "go", "build", "-o", out, "./cmd/"+name); err != nil {
			return nil, t, err
		}
	}
	return progs, t, nil
}

func run(dir, name string, args ...string) error {
	abs := make([]string, len(args))
	for i, a := range args {
		abs[i] = a
		if i > 0 && args[i-1] == "-o" {
			abs[i], _ = filepath.Abs(a)
		}
	}
	cmd := exec.Command(name, abs...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v\n%s", cmd.String(), err, out.String())
	}
	return nil
}

// makeInput writes n deterministic bytes of text-like data, so that the
// compressor has something to find.
func makeInput(path string, n int) error {
	words := []string{"wasm ", "task ", "build ", "step ", "portable ", "sandbox ", "compile ", "once ", "start ", "fast ", "\n"}
	var b bytes.Buffer
	x := uint32(2463534242)
	for b.Len() < n {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b.WriteString(words[x%uint32(len(words))])
		if x%97 == 0 {
			fmt.Fprintf(&b, "%08x ", x)
		}
	}
	return os.WriteFile(path, b.Bytes()[:n], 0o644)
}
