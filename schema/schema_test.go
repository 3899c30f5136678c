package schema

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files and the JSON Schema")

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
			got := err.Error() + "\n"
			golden := strings.TrimSuffix(file, ".yaml") + ".golden"
			if *update {
				os.WriteFile(golden, []byte(got), 0o644)
			}
			want, _ := os.ReadFile(golden)
			if got != string(want) {
				t.Errorf("errors differ from %s (run with -update to accept)\n--- got\n%s--- want\n%s", golden, got, want)
			}
		})
	}
}

func TestJSONSchemaUpToDate(t *testing.T) {
	got := JSONSchema()
	if *update {
		os.WriteFile("wasmtasks.schema.json", got, 0o644)
	}
	want, err := os.ReadFile("wasmtasks.schema.json")
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("schema/wasmtasks.schema.json is stale; run: go test ./schema -run JSONSchema -update")
	}
}
