package source_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/source"
)

// grammar is a tiny yacc grammar for goyacc to turn into Go.
const grammar = `%{
package calc
%}
%token NUM
%%
expr: NUM | expr '+' NUM ;
%%
`

// TestGoModuleThroughRealProxy fetches a real tool through the user's own
// Go module proxy and checksum database into an empty module cache, runs
// it on a grammar, and then finds it again with GOPROXY=off.
func TestGoModuleThroughRealProxy(t *testing.T) {
	const ref = "golang.org/x/tools/cmd/goyacc@v0.52.0"
	f := &source.Fetcher{Dir: t.TempDir(), Env: append(os.Environ(), "GOMODCACHE="+t.TempDir(), "GOFLAGS=-modcacherw")}
	path, got, err := f.Fetch(context.Background(), source.Spec{Go: ref}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Resolved != "v0.52.0" {
		t.Errorf("pin %+v", got)
	}

	work := t.TempDir()
	os.WriteFile(filepath.Join(work, "calc.y"), []byte(grammar), 0o644)
	eng, err := runner.NewEngine(runner.Options{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	var stdout, stderr bytes.Buffer
	cmd := eng.Command(path, "-o", "/w/calc.go", "-v", "/w/y.output", "/w/calc.y")
	cmd.Dirs = []runner.Dir{{Host: work, Guest: "/w"}}
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if _, err := cmd.Run(context.Background()); err != nil {
		t.Fatalf("goyacc: %v\n%s", err, stderr.String())
	}
	if b, err := os.ReadFile(filepath.Join(work, "calc.go")); err != nil || !strings.Contains(string(b), "package calc") {
		t.Fatalf("goyacc wrote %q, %v", b, err)
	}

	f.Env = append(f.Env, "GOPROXY=off", "PATH=")
	f.GoCmd = filepath.Join(t.TempDir(), "no-go")
	if _, _, err := f.Fetch(context.Background(), source.Spec{Go: ref}, &got); err != nil {
		t.Fatalf("offline, with no go command: %v", err)
	}
}
