package capi

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestStubMatchesBinding proves that the !cgo stub (nocgo.go) declares the
// same exported API as the cgo binding, name for name and signature for
// signature, so that a build without cgo compiles every package above the
// runner and fails only at run time. go vet with CGO_ENABLED=0 checks what
// the runner uses; this checks the rest.
func TestStubMatchesBinding(t *testing.T) {
	binding, stub := exportedAPI(t, true), exportedAPI(t, false)
	for _, name := range sortedKeys(binding, stub) {
		b, s := binding[name], stub[name]
		switch {
		case s == "":
			t.Errorf("the stub lacks %s: %s", name, b)
		case b == "":
			t.Errorf("the stub has %s, which the binding lacks: %s", name, s)
		case b != s:
			t.Errorf("%s differs:\n  binding: %s\n  stub:    %s", name, b, s)
		}
	}
	if len(binding) < 20 {
		t.Fatalf("found only %d exported names in the binding; the test does not see the package", len(binding))
	}
}

// exportedAPI type-checks this package's files as a build with or without
// cgo selects them and describes every exported name: constants with their
// values, types with their exported fields and methods, functions and
// variables with their types.
func exportedAPI(t *testing.T, cgo bool) map[string]string {
	t.Helper()
	ctx := build.Default
	ctx.CgoEnabled = cgo
	bp, err := ctx.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range append(bp.GoFiles, bp.CgoFiles...) {
		f, err := parser.ParseFile(fset, filepath.Join(bp.Dir, name), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	conf := types.Config{
		FakeImportC: true, // C's names are unknown here; they are never exported
		Importer:    linkOnlyImporter{importer.Default()},
		Error:       func(error) {},
	}
	pkg, _ := conf.Check("capi", fset, files, nil)
	api := map[string]string{}
	qual := types.RelativeTo(pkg)
	for _, name := range pkg.Scope().Names() {
		obj := pkg.Scope().Lookup(name)
		if !obj.Exported() {
			continue
		}
		api[name] = types.ObjectString(obj, qual)
		if c, ok := obj.(*types.Const); ok {
			api[name] += " = " + c.Val().ExactString()
		}
		tn, ok := obj.(*types.TypeName)
		if !ok {
			continue
		}
		api[name] = describeType(tn, qual)
		ms := types.NewMethodSet(types.NewPointer(tn.Type()))
		for i := range ms.Len() {
			if m := ms.At(i).Obj(); m.Exported() {
				api[name+"."+m.Name()] = types.ObjectString(m, qual)
			}
		}
	}
	return api
}

// describeType names a type's kind and, for a struct, its exported fields;
// unexported fields hold C pointers in the binding and nothing in the stub.
func describeType(tn *types.TypeName, qual types.Qualifier) string {
	st, ok := tn.Type().Underlying().(*types.Struct)
	if !ok {
		return "type " + tn.Name() + " " + types.TypeString(tn.Type().Underlying(), qual)
	}
	var fields []string
	for i := range st.NumFields() {
		if f := st.Field(i); f.Exported() {
			fields = append(fields, f.Name()+" "+types.TypeString(f.Type(), qual))
		}
	}
	return fmt.Sprintf("type %s struct{%s}", tn.Name(), strings.Join(fields, "; "))
}

// linkOnlyImporter stands an empty package in for wasmtime-go, which the
// binding imports only to link libwasmtime.a.
type linkOnlyImporter struct{ types.Importer }

func (i linkOnlyImporter) Import(path string) (*types.Package, error) {
	if strings.HasPrefix(path, "github.com/bytecodealliance/wasmtime-go") {
		p := types.NewPackage(path, "wasmtime")
		p.MarkComplete()
		return p, nil
	}
	return i.Importer.Import(path)
}

func sortedKeys(maps ...map[string]string) []string {
	var keys []string
	for _, m := range maps {
		for k := range m {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}
