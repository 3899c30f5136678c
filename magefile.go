//go:build mage

// The wasmtasks project's own mage targets. Run them with `go tool mage`;
// `go tool mage -l` lists them.
package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"

	"github.com/wasmtasks/wasmtasks/internal/examples"
	"github.com/wasmtasks/wasmtasks/internal/wasmbuild"
	"github.com/wasmtasks/wasmtasks/mage/wasmtasks"
)

// Deps installs what building the example and test programs needs: the
// Debian packages for C to WASI (when run as root) and the pinned npm
// packages.
func Deps() error {
	if err := wasmbuild.EnsureDebian(os.Stdout); err != nil {
		return err
	}
	return wasmbuild.EnsureJCO(".")
}

// Examples builds the example programs into examples/build/, rebuilding only
// what changed.
func Examples() error {
	mg.Deps(Deps)
	return examples.Build(".", os.Stdout)
}

// Test installs what the tests need, vets the code for the platforms CI
// cannot run (see crossVet) and runs every test with the race detector
// (among them the check that no file over 1 MiB is tracked outside
// testdata); then the binding's and runner's tests again with a garbage
// collection at every use of a C pointer (the wasmtasks_gcdebug tag), and a
// short fuzzing of the task-file parser, variable expansion, archive
// unpacking, the program loader and the remote cache's ActionResult decoder;
// last the benchmark harness's own vet and tests.
func Test() error {
	mg.Deps(Deps)
	if err := crossVet(); err != nil {
		return err
	}
	// Fuzzing runs a fixed number of inputs rather than for a time: a
	// time limit that ends while a worker runs a slow input fails the run
	// with "context deadline exceeded", which on a busy machine is noise.
	steps := [][]string{
		{"test", "-race", "-count=1", "./..."},
		{"test", "-count=1", "-tags", "wasmtasks_gcdebug", "./runner/internal/capi", "./runner"},
		{"test", "./schema", "-run", "^$", "-fuzz", "FuzzParse", "-fuzztime", "200000x", "-fuzzminimizetime", "1x"},
		{"test", "./schema", "-run", "^$", "-fuzz", "FuzzExpand", "-fuzztime", "100000x", "-fuzzminimizetime", "1x"},
		{"test", "./tasks", "-run", "^$", "-fuzz", "FuzzGlob", "-fuzztime", "100000x", "-fuzzminimizetime", "1x"},
		{"test", "./source", "-run", "^$", "-fuzz", "FuzzUnpack", "-fuzztime", "50000x", "-fuzzminimizetime", "1x"},
		{"test", "./source", "-run", "^$", "-fuzz", "FuzzOCIRef", "-fuzztime", "30000x", "-fuzzminimizetime", "1x"},
		{"test", "./remotecache", "-run", "^$", "-fuzz", "FuzzActionResult", "-fuzztime", "100000x", "-fuzzminimizetime", "1x"},
		{"test", "./remotecache", "-run", "^$", "-fuzz", "FuzzWire", "-fuzztime", "100000x", "-fuzzminimizetime", "1x"},
		{"test", "./runner/internal/store", "-run", "^$", "-fuzz", "FuzzWithin", "-fuzztime", "100000x", "-fuzzminimizetime", "1x"},
		{"test", "./internal/ociref", "-run", "^$", "-fuzz", "FuzzPattern", "-fuzztime", "100000x", "-fuzzminimizetime", "1x"},
		// Minimising a mutated 250 KB program compiles it thousands of
		// times; without this limit the short run does little else.
		{"test", "./runner", "-run", "^$", "-fuzz", "FuzzLoad", "-fuzztime", "60000x", "-fuzzminimizetime", "1x"},
	}
	for _, args := range steps {
		if err := sh.RunV("go", args...); err != nil {
			return err
		}
	}
	return benchChecks()
}

// benchChecks vets and tests the benchmark harness, a module of its own
// that "./..." above does not reach: its goals table parses the tasks
// package's benchmark output, and its peak-memory measure has a test.
func benchChecks() error {
	for _, args := range [][]string{{"vet", "./..."}, {"test", "-count=1", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = "bench"
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		fmt.Printf("go %s in bench\n", strings.Join(args, " "))
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("bench: go %s: %w", strings.Join(args, " "), err)
		}
	}
	return nil
}

// crossTargets are the systems (GOOS/GOARCH) whose build CI proves by
// vetting only: it runs the tests on linux/amd64 alone. wasmtime-go ships
// libwasmtime for both.
var crossTargets = []string{"darwin/arm64", "windows/amd64"}

// crossVet runs go vet for each of crossTargets with cgo off (there is no
// C cross compiler here, and the binding's !cgo stub stands in for
// wasmtime), so that Linux-only code in a portable file fails CI.
func crossVet() error {
	for _, target := range crossTargets {
		goos, goarch, _ := strings.Cut(target, "/")
		env := map[string]string{"GOOS": goos, "GOARCH": goarch, "CGO_ENABLED": "0"}
		fmt.Printf("go vet ./... for %s, without cgo\n", target)
		if err := sh.RunWithV(env, "go", "vet", "./..."); err != nil {
			return fmt.Errorf("vet for %s: %w", target, err)
		}
	}
	return nil
}

// Bench measures wasmtasks next to wasmtime-go, wazero, jco and native
// binaries on the same workloads, and writes the tables into
// docs/BENCHMARKS.md. It takes several minutes.
func Bench() error {
	mg.Deps(Deps)
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = "bench"
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

// Run groups the targets that run wasmtasks.yaml.
type Run mg.Namespace

// All runs every task of wasmtasks.yaml, dependencies first.
func (Run) All(ctx context.Context) error {
	mg.Deps(Examples)
	return wasmtasks.Run{}.All(ctx)
}

// Task runs the named task and its dependencies.
func (Run) Task(ctx context.Context, name string) error {
	mg.Deps(Examples)
	return wasmtasks.Run{}.Task(ctx, name)
}

// List prints the tasks of wasmtasks.yaml.
func List() error { return wasmtasks.List() }

// Check validates wasmtasks.yaml and checks its programs against their pins.
func Check(ctx context.Context) error { return wasmtasks.Check(ctx) }

// Fetch obtains and compiles every program of wasmtasks.yaml (go:, url:,
// oci: sources included), so that later runs need no network.
func Fetch(ctx context.Context) error { return wasmtasks.Fetch(ctx) }

// Lock resolves the programs of wasmtasks.yaml afresh and writes
// wasmtasks.lock.
func Lock(ctx context.Context) error { return wasmtasks.Lock(ctx) }

// Cache groups the targets that manage the store of compiled code.
type Cache mg.Namespace

// Info prints the store's folder, entries and size.
func (Cache) Info() error { return wasmtasks.Cache{}.Info() }

// Prune shrinks the store to its cap, least recently used first.
func (Cache) Prune() error { return wasmtasks.Cache{}.Prune() }

// Clear removes every entry from the store.
func (Cache) Clear() error { return wasmtasks.Cache{}.Clear() }
