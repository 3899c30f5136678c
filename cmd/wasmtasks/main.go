// Command wasmtasks runs WebAssembly programs as build and automation tasks.
//
// Usage:
//
//	wasmtasks run [FLAGS] [TASK…]              run tasks, dependencies first
//	wasmtasks list [--json]                    list the tasks
//	wasmtasks compile [-f FILE]                compile every program into the store
//	wasmtasks fetch [-f FILE]                  obtain and compile every program
//	wasmtasks lock [-f FILE] [COMPONENT…]      pin programs in wasmtasks.lock
//	wasmtasks exec [FLAGS] FILE.wasm [ARGS…]   run one program ad hoc
//	wasmtasks validate [-f FILE]               check the task file
//	wasmtasks cache info|prune|clear           manage the store of compiled code
//	wasmtasks init [-f FILE]                   start a project: task file, schema, .gitignore
//	wasmtasks schema [-o FILE]                 write the task file's JSON Schema
//
// Exit status: run, list, validate, compile, fetch and lock exit 0 on
// success, 1 when a task failed, 2 for a bad task file or usage, and 130
// when interrupted; run exits 141 when its stdout is closed, after stopping
// its tasks.
// exec exits with the program's own status, 0–125 (a component can only
// report 0 or 1; wasmtime stops a module that exits with 126 or more with
// an error, and exec exits 1), 124 when it timed out, 130 when interrupted,
// 134 when it trapped, and 2 when it could not be run at all. exec --json
// ends stderr with a JSON line that tells a program's own 124 from a
// timeout: 'wasmtasks exec -h' has the details.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/runner"
)

// version is the module version the binary was built from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

func main() {
	os.Exit(runMain(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `wasmtasks runs WebAssembly programs as build and automation tasks.

Usage:
  wasmtasks run [FLAGS] [TASK…]              run tasks, dependencies first
  wasmtasks list [--json]                    list the tasks
  wasmtasks validate [-f FILE]               check the task file
  wasmtasks compile [-f FILE]                compile every program into the store
  wasmtasks fetch [-f FILE]                  obtain and compile every program (go:, url:, oci:)
  wasmtasks lock [-f FILE] [COMPONENT…]      resolve programs again and pin them in wasmtasks.lock
  wasmtasks exec [FLAGS] FILE.wasm [ARGS…]   run one program, streams inherited
  wasmtasks cache info|prune|clear           manage the store of compiled code
  wasmtasks init [-f FILE]                   start a project: task file, schema, .gitignore
  wasmtasks schema [-o FILE]                 write the task file's JSON Schema

Run 'wasmtasks COMMAND -h' for the flags of a command.
`

// runMain runs the command line and returns the exit status.
func runMain(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitcode.Usage
	}
	var err error
	switch args[0] {
	case "exec":
		err = execCmd(args[1:], stderr)
	case "cache":
		err = cacheCmd(args[1:], stdout, stderr)
	case "validate":
		err = validateCmd(args[1:], stdout, stderr)
	case "run":
		err = runCmd(args[1:], stdout, stderr)
	case "list":
		err = listCmd(args[1:], stdout, stderr)
	case "compile":
		err = compileCmd("compile", compileUsage, args[1:], stdout, stderr)
	case "fetch":
		err = compileCmd("fetch", fetchUsage, args[1:], stdout, stderr)
	case "lock":
		err = lockCmd(args[1:], stdout, stderr)
	case "init":
		err = initCmd(args[1:], stdout, stderr)
	case "schema":
		err = schemaCmd(args[1:], stdout, stderr)
	case "--version", "-version", "version":
		fmt.Fprintf(stdout, "wasmtasks %s (wasmtime %s)\n", version(), runner.WasmtimeVersion)
		return exitcode.OK
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitcode.OK
	default:
		err = usageError(fmt.Sprintf("unknown command %q", args[0]))
	}
	return report(err, stderr)
}

type exitError struct {
	status int
	err    error
}

func (e *exitError) Error() string   { return e.err.Error() }
func (e *exitError) Unwrap() error   { return e.err }
func (e *exitError) ExitStatus() int { return e.status }

// silentExit carries a status whose reason was already reported (the guest
// wrote its own error messages).
func silentExit(status int) error { return &exitError{status: status} }

func usageError(msg string) error {
	return &exitError{status: exitcode.Usage, err: fmt.Errorf("%s; run 'wasmtasks -h' for usage", msg)}
}

// report prints err, if any, and returns its exit status.
func report(err error, stderr io.Writer) int {
	if err == nil {
		return exitcode.OK
	}
	status := exitcode.Of(err)
	if ee, ok := err.(*exitError); !ok || ee.err != nil {
		fmt.Fprintf(stderr, "wasmtasks: %v\n", err)
	}
	return status
}
