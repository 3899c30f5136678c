package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/schema"
)

// TestInit: init writes a task file that validates, whose modeline points
// at the schema it wrote, and ignores .wasmtasks/ in .gitignore exactly
// once; it never overwrites a task file.
func TestInit(t *testing.T) {
	for _, tt := range []struct {
		name, gitignore, want string
	}{
		{"no gitignore", "", ".wasmtasks/\n"},
		{"no final newline", "node_modules", "node_modules\n.wasmtasks/\n"},
		{"already ignored", "/.wasmtasks\n", "/.wasmtasks\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.gitignore != "" {
				os.WriteFile(filepath.Join(dir, ".gitignore"), []byte(tt.gitignore), 0o644)
			}
			if r := wasmtasks(t, dir, "", "init"); r.status != 0 {
				t.Fatalf("init: status %d\n%s", r.status, r.stderr)
			}
			task, _ := os.ReadFile(filepath.Join(dir, "wasmtasks.yaml"))
			if line := "# yaml-language-server: $schema=.wasmtasks/wasmtasks.schema.json\n"; !bytes.HasPrefix(task, []byte(line)) {
				t.Errorf("the task file starts %q, want the modeline %q", firstLineOf(task), line)
			}
			got, _ := os.ReadFile(filepath.Join(dir, ".wasmtasks", "wasmtasks.schema.json"))
			if !bytes.Equal(got, schema.JSONSchema()) {
				t.Error("the schema written is not schema.JSONSchema()")
			}
			if ign, _ := os.ReadFile(filepath.Join(dir, ".gitignore")); string(ign) != tt.want {
				t.Errorf(".gitignore is %q, want %q", ign, tt.want)
			}
			if r := wasmtasks(t, dir, "", "validate"); r.status != 0 {
				t.Errorf("the starter file is not valid:\n%s", r.stderr)
			}
			os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte("version: 1\n# mine\n"), 0o644)
			if r := wasmtasks(t, dir, "", "init"); r.status != exitcode.Usage {
				t.Errorf("a second init: status %d, want %d", r.status, exitcode.Usage)
			}
			if b, _ := os.ReadFile(filepath.Join(dir, "wasmtasks.yaml")); string(b) != "version: 1\n# mine\n" {
				t.Errorf("init overwrote the task file: %q", b)
			}
			if ign, _ := os.ReadFile(filepath.Join(dir, ".gitignore")); string(ign) != tt.want {
				t.Errorf("after a second init .gitignore is %q, want %q", ign, tt.want)
			}
		})
	}
}

// TestSchemaCommand: schema writes schema.JSONSchema() to stdout, or to a
// file in a folder it makes.
func TestSchemaCommand(t *testing.T) {
	dir := t.TempDir()
	if r := wasmtasks(t, dir, "", "schema"); r.status != 0 || r.stdout != string(schema.JSONSchema()) {
		t.Errorf("schema: status %d, stdout is not the schema\n%s", r.status, r.stderr)
	}
	if r := wasmtasks(t, dir, "", "schema", "-o", "editor/wasmtasks.schema.json"); r.status != 0 {
		t.Fatalf("schema -o: status %d\n%s", r.status, r.stderr)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "editor", "wasmtasks.schema.json")); !bytes.Equal(got, schema.JSONSchema()) {
		t.Error("the file written is not schema.JSONSchema()")
	}
}

func firstLineOf(b []byte) string {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	return string(line)
}
