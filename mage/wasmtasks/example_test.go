package wasmtasks_test

import (
	"log"
	"os"
	"path/filepath"

	"github.com/magefile/mage/mg"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/mage/wasmtasks"
)

// Targets of a magefile depend on tasks of the nearest wasmtasks.yaml with
// Task. In one mage invocation each task runs once, however many targets
// ask for it, and its output is prefixed with its name.
func ExampleTask() {
	defer inProject(`version: 1
cache_dir: .store
components:
  greet: {path: greet.wasm}
tasks:
  generate: {component: greet, args: [generate]}
  docs: {component: greet, args: [docs], deps: [generate]}
`)()

	// In a magefile these are targets: func Generate() { mg.Deps(...) }.
	generate := func() { mg.Deps(wasmtasks.Task("generate")) }
	docs := func() { mg.Deps(generate, wasmtasks.Task("docs")) }
	docs()
	generate() // ran already: nothing more happens
	// Output:
	// [generate] hello, generate
	// [docs] hello, docs
}

// inProject makes a project with the task file and greet.wasm (greet.c of
// internal/testprog, which prints "hello, NAME" for its first argument),
// and makes it the current folder until the returned func is called.
func inProject(taskFile string) (restore func()) {
	dir, err := os.MkdirTemp("", "project")
	if err != nil {
		log.Fatal(err)
	}
	wasm, err := os.ReadFile(testprog.MustModule("greet"))
	if err != nil {
		log.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "greet.wasm"), wasm, 0o644)
	os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(taskFile), 0o644)
	wd, err := os.Getwd()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		log.Fatal(err)
	}
	return func() {
		os.Chdir(wd)
		os.RemoveAll(dir)
	}
}
