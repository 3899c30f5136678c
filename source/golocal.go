package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// fetchGoLocal obtains a main package of the project's own module: from
// the store when no file it was built from has changed since (checked
// without the go command), else by building it.
func (f *Fetcher) fetchGoLocal(ctx context.Context, spec Spec) (string, Pin, error) {
	dir, err := filepath.Abs(spec.Dir)
	if err != nil {
		return "", Pin{}, fmt.Errorf("source: %w", err)
	}
	goPath, tkey, err := f.goCommand()
	if err != nil {
		return "", Pin{}, err
	}
	index := f.goIndexPath("local", dir+"\x00"+spec.Go, tkey)
	var st goState
	if readJSON(index, &st) == nil && st.fresh() {
		if p, ok := f.haveProgram(st.SHA256); ok {
			return p, Pin{Source: "go", Ref: spec.Go, Go: st.Go, SHA256: st.SHA256}, nil
		}
	}
	st, p, err := f.buildLocal(ctx, goPath, dir, spec.Go)
	if err != nil {
		return "", Pin{}, err
	}
	if st.unchanged() {
		_ = writeJSON(index, st)
	}
	return p, Pin{Source: "go", Ref: spec.Go, Go: st.Go, SHA256: st.SHA256}, nil
}

// buildLocal lists the files pkg is built from, records their identities,
// builds it and stores the program.
func (f *Fetcher) buildLocal(ctx context.Context, goPath, dir, pkg string) (goState, string, error) {
	env := withEnv(f.env(), wasip1, "GOBIN")
	ge, err := f.goEnv(ctx, goPath, dir, pkg, env)
	if err != nil {
		return goState{}, "", err
	}
	pkgs, err := f.goList(ctx, goPath, dir, pkg, env)
	if err != nil {
		return goState{}, "", err
	}
	st, err := recordState(ge, pkgs, dir)
	if err != nil {
		return goState{}, "", fmt.Errorf("source: %s: %w", pkg, err)
	}
	tmp, err := os.MkdirTemp("", "wasmtasks-go-")
	if err != nil {
		return goState{}, "", fmt.Errorf("source: %w", err)
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "program.wasm")
	if _, err := f.runGo(ctx, goPath, dir, pkg, env, "build", "-trimpath", "-o", out, pkg); err != nil {
		return goState{}, "", err
	}
	bin, err := os.Open(out)
	if err != nil {
		return goState{}, "", failf(ErrBuild, pkg, err, "go build made no program")
	}
	defer bin.Close()
	sum, p, err := f.putProgram(pkg, bin)
	st.Go, st.SHA256 = ge.GOVERSION, sum
	return st, p, err
}

// listedPackage is what 'go list -json' says of a package that matters
// here.
type listedPackage struct {
	ImportPath, Name, Dir string
	Standard, DepOnly     bool
	EmbedFiles            []string
	Module                *struct{ Path, Dir, GoMod string }
	Error                 *struct{ Err string }
}

// goList lists pkg and every package it depends on, and checks that pkg
// is one main package.
func (f *Fetcher) goList(ctx context.Context, goPath, dir, pkg string, env []string) ([]listedPackage, error) {
	out, err := f.runGo(ctx, goPath, dir, pkg, env, "list", "-deps", "-json=ImportPath,Name,Dir,Standard,DepOnly,EmbedFiles,Module,Error", pkg)
	if err != nil {
		return nil, err
	}
	var pkgs []listedPackage
	var roots []string
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, failf(ErrBuild, pkg, err, "go list said what cannot be read")
		}
		if p.Error != nil {
			return nil, failf(ErrBuild, pkg, nil, "go list: %s", p.Error.Err)
		}
		if !p.DepOnly {
			roots = append(roots, p.ImportPath)
			if p.Name != "main" {
				return nil, failf(ErrSpec, pkg, nil, "%s is package %s, not a main package (a program); name a folder with package main", p.ImportPath, p.Name)
			}
		}
		pkgs = append(pkgs, p)
	}
	if len(roots) != 1 {
		return nil, failf(ErrSpec, pkg, nil, "this names %d packages (%s); name exactly one main package", len(roots), strings.Join(roots, ", "))
	}
	return pkgs, nil
}
