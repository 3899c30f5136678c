package runner_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
)

// greetWasm is the program the examples run: a WASI preview1 module that
// prints "hello, NAME" for its first argument and exits with the status its
// second gives (internal/testprog/src/greet.c). Any .wasm command will do.
func greetWasm() string { return testprog.MustModule("greet") }

// Run a program, as os/exec runs a process, and capture what it prints.
func ExampleCmd_Run() {
	eng, err := runner.NewEngine(runner.Options{NoStore: true})
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	cmd := eng.Command(greetWasm(), "gopher")
	var out bytes.Buffer
	cmd.Stdout = &out
	res, err := cmd.Run(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("a %s exited %d and printed %q\n", res.Kind, res.ExitCode, out.String())
	// Output: a module exited 0 and printed "hello, gopher\n"
}

// A program that exits with a non-zero status returns an *ExitError; any
// other error means it could not run.
func ExampleExitError() {
	eng, err := runner.NewEngine(runner.Options{NoStore: true})
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	cmd := eng.Command(greetWasm(), "gopher", "3")
	cmd.Stdin = strings.NewReader("") // any io.Reader; nil is empty too
	_, err = cmd.Run(context.Background())
	var exit *runner.ExitError
	if errors.As(err, &exit) {
		fmt.Println("exit status", exit.ExitCode())
	}
	// Output: exit status 3
}

// The store keeps compiled code on disk, so that the next process starts
// the program in milliseconds; OpenStore looks at it without an engine.
func ExampleStore_Info() {
	dir, err := os.MkdirTemp("", "store")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	for range 2 { // two engines stand for two processes
		eng, err := runner.NewEngine(runner.Options{StoreDir: dir})
		if err != nil {
			log.Fatal(err)
		}
		res, err := eng.Command(greetWasm()).Run(context.Background())
		eng.Close()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("code:", res.Source)
	}

	store, err := runner.OpenStore(dir, 0, nil)
	if err != nil {
		log.Fatal(err)
	}
	info, err := store.Info()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("entries:", info.Entries)
	// Output:
	// code: compiled
	// code: stored
	// entries: 1
}
