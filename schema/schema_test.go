package schema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/golden"
)

// env is the fixed environment the golden tests expand variables against.
func env(name string) (string, bool) {
	v, ok := map[string]string{"HOME": "/home/tester", "TARGET": "wasm32"}[name]
	return v, ok
}

// TestGoldenErrors parses every file under testdata/bad and compares the
// errors with the .golden file beside it.
func TestGoldenErrors(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "bad", "*.yaml"))
	if len(files) < 20 {
		t.Fatalf("only %d bad files", len(files))
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(file, data, env)
			if err == nil {
				t.Fatal("parsed without error")
			}
			if _, ok := err.(Errors); !ok {
				t.Fatalf("error is %T, want Errors", err)
			}
			golden.Check(t, strings.TrimSuffix(file, ".yaml")+".golden", []byte(err.Error()+"\n"))
		})
	}
}

// TestJSONSchemaUpToDate keeps the committed JSON Schema the one the types
// make; refresh it with go test ./schema -run JSONSchema -update.
func TestJSONSchemaUpToDate(t *testing.T) {
	golden.Check(t, "wasmtasks.schema.json", JSONSchema())
}
