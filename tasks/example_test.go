package tasks_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/tasks"
)

// taskFile names a component and two tasks; hello declares what it reads
// and writes, so that a later run skips it while nothing changed.
const taskFile = `version: 1
cache_dir: .store
components:
  greet: {path: greet.wasm}
tasks:
  hello:
    component: greet
    args: [tasks]
    stdout: {file: hello.txt}
    inputs: [greet.wasm]
    outputs: [hello.txt]
  again:
    component: greet
    args: [again]
    deps: [hello]
`

// Load a task file and run a task with its dependencies, twice: the second
// Runner, as a second process would, finds hello up to date.
func ExampleRunner_Run() {
	dir, err := os.MkdirTemp("", "project")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// greet.c of internal/testprog, built as a WASI module: it prints
	// "hello, NAME" for its first argument.
	wasm, err := os.ReadFile(testprog.MustModule("greet"))
	if err != nil {
		log.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "greet.wasm"), wasm, 0o644)
	os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(taskFile), 0o644)

	for range 2 {
		project, err := tasks.Load(filepath.Join(dir, "wasmtasks.yaml"))
		if err != nil {
			log.Fatal(err)
		}
		// One job: the tasks' output passes through unprefixed.
		r, err := tasks.NewRunner(project, tasks.Options{Jobs: 1, Stdout: os.Stdout})
		if err != nil {
			log.Fatal(err)
		}
		sum, err := r.Run(context.Background(), "again")
		r.Close()
		if err != nil {
			log.Fatal(err)
		}
		for _, res := range sum {
			fmt.Printf("%s: %s\n", res.Task, res.Status)
		}
	}
	out, _ := os.ReadFile(filepath.Join(dir, "hello.txt"))
	fmt.Printf("hello.txt: %s", out)
	// Output:
	// hello, again
	// hello: ok
	// again: ok
	// hello, again
	// hello: up to date
	// again: ok
	// hello.txt: hello, tasks
}
