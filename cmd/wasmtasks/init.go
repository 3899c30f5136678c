package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/internal/tempfile"
	"github.com/wasmtasks/wasmtasks/schema"
)

const initUsage = `Usage: wasmtasks init [-f FILE] [--schema PATH]

Starts a project: writes a starter task file (wasmtasks.yaml in this folder)
whose first line points editors at the JSON Schema, writes that schema
(.wasmtasks/wasmtasks.schema.json beside the task file, or PATH), and adds
.wasmtasks/ to the .gitignore beside the task file, creating it if need be.
An existing task file is never overwritten.

.wasmtasks/ holds what wasmtasks keeps for the project (the up-to-date state
and the schema); deleting it is safe: tasks run again and 'wasmtasks schema
-o .wasmtasks/wasmtasks.schema.json' writes the schema again.

Flags:
`

// defaultSchemaPath is where init puts the schema, relative to the task
// file's folder.
const defaultSchemaPath = ".wasmtasks/wasmtasks.schema.json"

func initCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("init", initUsage, stderr)
	file := fs.String("f", "wasmtasks.yaml", "the task `FILE` to write")
	schemaPath := fs.String("schema", defaultSchemaPath, "write the JSON Schema to `PATH`, relative to the task file's folder")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("init takes no arguments")
	}
	dir := filepath.Dir(*file)
	schemaFile := *schemaPath
	if !filepath.IsAbs(schemaFile) {
		schemaFile = filepath.Join(dir, schemaFile)
	}
	modeline, err := filepath.Rel(dir, schemaFile)
	if err != nil {
		modeline = schemaFile
	}
	if err := writeNew(*file, []byte(starter(filepath.ToSlash(modeline)))); err != nil {
		return err
	}
	if err := writeSchema(schemaFile); err != nil {
		return err
	}
	if err := ignoreStateDir(filepath.Join(dir, ".gitignore")); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s and %s; .wasmtasks/ is in .gitignore\n", *file, schemaFile)
	return nil
}

// starter is the task file init writes: valid as it stands, with an
// example to uncomment.
func starter(schemaPath string) string {
	return `# yaml-language-server: $schema=` + schemaPath + `
# The keys are described in wasmtasks' docs/TASKFILE.md; 'wasmtasks validate'
# checks this file.
version: 1
# components:
#   hello:
#     path: tools/hello.wasm      # a wasi:cli component or a WASI preview1 module
#     dirs:
#       - {host: ., guest: /src, readonly: true}
#       - {host: build, guest: /out}    # made when missing
#     timeout: 30s
# tasks:
#   hello:
#     description: Say hello.
#     component: hello
#     args: [--out, /out/hello.txt]
#     inputs: ["src/**"]
#     outputs: ["build/hello.txt"]
`
}

// writeNew writes a file that must not exist yet (O_EXCL: it fails
// rather than replace anything), mode 0666 less the umask.
func writeNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, fs.ErrExist) {
		return &exitError{status: exitcode.Usage, err: fmt.Errorf("init: %s already exists; wasmtasks init does not overwrite a task file: edit it, or remove it first", path)}
	}
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("init: %w", err)
	}
	return nil
}

// writeSchema writes the JSON Schema to path, making its folder.
func writeSchema(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	err := tempfile.Write(filepath.Dir(path), ".wasmtasks-schema-*", schema.JSONSchema(), func(tmp string) error {
		if err := os.Chmod(tmp, 0o644); err != nil {
			return err
		}
		return os.Rename(tmp, path)
	})
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	return nil
}

// ignoreStateDir adds .wasmtasks/ to the .gitignore at path, creating it,
// unless a line already ignores it.
func ignoreStateDir(path string) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("init: %w", err)
	}
	lines := bufio.NewScanner(bytes.NewReader(old))
	for lines.Scan() {
		switch strings.TrimSpace(lines.Text()) {
		case ".wasmtasks", ".wasmtasks/", "/.wasmtasks", "/.wasmtasks/":
			return nil
		}
	}
	add := ".wasmtasks/\n"
	if len(old) > 0 && !bytes.HasSuffix(old, []byte("\n")) {
		add = "\n" + add
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	_, err = f.WriteString(add)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	return nil
}

const schemaUsage = `Usage: wasmtasks schema [-o FILE]

Writes the JSON Schema of the task file, which editors with the YAML language
server use to complete and check wasmtasks.yaml (see its first line, as
'wasmtasks init' writes it), to stdout or FILE.

Flags:
`

func schemaCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("schema", schemaUsage, stderr)
	out := fs.String("o", "", "write to `FILE` (its folder is made) instead of stdout")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("schema takes no arguments")
	}
	if *out == "" {
		_, err := stdout.Write(schema.JSONSchema())
		return err
	}
	return writeSchema(*out)
}
