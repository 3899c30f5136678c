package codecheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// allowed lists the functions ("path:Func", path from the module root)
// that may take an error's text apart, each with its reason. Two reasons
// qualify, and each entry says which:
//
//   - formatting: the text is cut up to be shown differently (the parse of
//     wasmtime's multi-line message into message and wasm backtrace), never
//     to decide what kind of error it is;
//   - text only: a library reports the error only as text, and the
//     position or problem must be read out of it.
//
// A test that checks an error's wording compares it whole with a golden
// file (internal/golden), which is no comparison in Go code.
var allowed = map[string]string{
	"runner/internal/capi/error.go:parseMessage": "formatting: splits wasmtime's message into the error with its causes and the wasm backtrace",
	"runner/internal/capi/error.go:parseFrames":  "formatting: turns wasmtime's numbered backtrace frames into lines",
	"schema/syntax.go:syntaxError":               "text only: go.yaml.in/yaml/v3 reports a syntax error only as \"yaml: line N: msg\"; the line and the problem are read out to place it",
	"tasks/summary.go:failures":                  "formatting: a multi-line error is printed again in full under the one-line reason",
}

// wasmtimeText are the packages whose every string comes from wasmtime:
// there any strings function is a reading of wasmtime's messages.
var wasmtimeText = []string{"runner/internal/capi/"}

// TestNoErrorTextMatching fails on Go code (tests included) that decides
// something from an error's text: err.Error() (or a variable holding it)
// compared with ==, != or switch, or passed to a strings or regexp
// function; and, in the cgo binding, any strings function on wasmtime's
// text. Kinds are data: errors.Is, errors.As, typed errors.
func TestNoErrorTextMatching(t *testing.T) {
	root := moduleRoot(t)
	used := map[string]bool{}
	var found []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && path != root && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(name, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		for _, p := range scanFile(t, path, rel) {
			if _, ok := allowed[p.where]; ok {
				used[p.where] = true
				continue
			}
			found = append(found, p.String())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(found)
	for _, f := range found {
		t.Errorf("%s\n\tdecide by errors.Is/As on a typed error, or compare the whole text with a golden file", f)
	}
	for where := range allowed {
		if !used[where] {
			t.Errorf("allowed lists %s, which no longer reads error text: remove the entry", where)
		}
	}
}

// problem is one place that reads error text.
type problem struct {
	pos   token.Position
	where string // path:Func, the key of allowed
	what  string
}

func (p problem) String() string { return p.pos.String() + ": " + p.what }

// scanFile finds the places in one file that read error text.
func scanFile(t *testing.T, path, rel string) []problem {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	inCapi := false
	for _, p := range wasmtimeText {
		inCapi = inCapi || (strings.HasPrefix(rel, p) && !strings.HasSuffix(rel, "_test.go"))
	}
	var out []problem
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Body == nil {
			continue
		}
		s := &scanner{fset: fset, where: rel + ":" + fn.Name.Name, inCapi: inCapi, holds: map[*ast.Object]bool{}}
		ast.Inspect(fn.Body, s.visit)
		out = append(out, s.found...)
	}
	return out
}

// scanner walks one function.
type scanner struct {
	fset   *token.FileSet
	where  string
	inCapi bool
	holds  map[*ast.Object]bool // variables assigned an error's text
	found  []problem
}

func (s *scanner) report(n ast.Node, what string) {
	s.found = append(s.found, problem{pos: s.fset.Position(n.Pos()), where: s.where, what: what})
}

func (s *scanner) visit(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.AssignStmt:
		for i, r := range n.Rhs {
			if id, ok := n.Lhs[min(i, len(n.Lhs)-1)].(*ast.Ident); ok && id.Obj != nil && isErrorCall(r) {
				s.holds[id.Obj] = true
			}
		}
	case *ast.BinaryExpr:
		if (n.Op == token.EQL || n.Op == token.NEQ) && (s.isText(n.X) || s.isText(n.Y)) {
			s.report(n, "error text compared with "+n.Op.String())
		}
	case *ast.SwitchStmt:
		if n.Tag != nil && s.isText(n.Tag) {
			s.report(n, "switch on error text")
		}
	case *ast.CallExpr:
		s.visitCall(n)
	}
	return true
}

func (s *scanner) visitCall(n *ast.CallExpr) {
	sel, ok := n.Fun.(*ast.SelectorExpr)
	if !ok {
		return
	}
	pkg, _ := sel.X.(*ast.Ident)
	stringsFunc := pkg != nil && (pkg.Name == "strings" || pkg.Name == "regexp")
	matcher := strings.HasPrefix(sel.Sel.Name, "Match") || strings.HasPrefix(sel.Sel.Name, "Find")
	if s.inCapi && pkg != nil && pkg.Name == "strings" {
		s.report(n, "strings."+sel.Sel.Name+" on wasmtime's text in the cgo binding")
		return
	}
	if !stringsFunc && !matcher {
		return
	}
	for _, a := range n.Args {
		if s.isText(a) {
			s.report(n, "error text passed to "+exprName(sel))
			return
		}
	}
}

// isText reports whether e is an error's text: x.Error(), or a variable
// that was assigned it.
func (s *scanner) isText(e ast.Expr) bool {
	if id, ok := e.(*ast.Ident); ok {
		return id.Obj != nil && s.holds[id.Obj]
	}
	return isErrorCall(e)
}

func isErrorCall(e ast.Expr) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok || len(c.Args) != 0 {
		return false
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "Error"
}

func exprName(sel *ast.SelectorExpr) string {
	if id, ok := sel.X.(*ast.Ident); ok {
		return id.Name + "." + sel.Sel.Name
	}
	return sel.Sel.Name
}

// moduleRoot is the folder of go.mod above this package.
func moduleRoot(t *testing.T) string {
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}
