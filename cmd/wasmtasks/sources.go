package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/wasmtasks/wasmtasks/internal/clilog"
	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/source"
	"github.com/wasmtasks/wasmtasks/tasks"
)

const compileUsage = `Usage: wasmtasks compile [-f FILE] [--cache-dir DIR]

Compiles every program the task file names into the store of compiled code,
so that the next run starts in milliseconds: for warming a CI cache. With
a remote cache and a team store key, code compiled elsewhere is taken from
the cache, and code compiled here is shared through it.
Programs from go:, url: and oci: are obtained first, checked against
wasmtasks.lock, and pinned there when the lock lacks them (as 'fetch').

Flags:
`

const fetchUsage = `Usage: wasmtasks fetch [-f FILE] [--cache-dir DIR]

Obtains every program the task file names — builds go: packages, downloads
url: sources and pulls oci: artifacts into the store — checks each against
wasmtasks.lock (writing the pins it lacks) and compiles it, so that later
runs need no network and start in milliseconds: for warming a CI cache or
working offline. Exits 2 when a program cannot be obtained or differs from
its pin.

Flags:
`

// compileCmd is compile and fetch: obtain every program, then compile it.
func compileCmd(name, usage string, args []string, stdout, stderr io.Writer) error {
	var pf projectFlags
	var rc remoteCacheFlags
	fs := newFlagSet(name, usage, stderr)
	pf.register(fs)
	rc.register(fs)
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(name + " takes no arguments")
	}
	opts := tasks.Options{Logger: clilog.New(stderr, "wasmtasks")}
	if err := rc.apply(&opts); err != nil {
		return err
	}
	project, err := loadProject(pf.file)
	if err != nil {
		return err
	}
	eng, err := newEngine(project, pf.cacheDir, stderr)
	if err != nil {
		return err
	}
	defer eng.Close()
	unshare, err := project.ShareCode(eng, opts)
	if err != nil {
		return err
	}
	defer unshare()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = project.Resolve(ctx, tasks.ResolveOptions{Mode: tasks.LockAdd, Digest: eng.Digest, StoreDir: eng.StoreDir(), Progress: stderr})
	if err != nil {
		return err
	}
	var failed error
	for _, c := range project.File.Components {
		kind, src, err := eng.Load(project.Program(c.Name))
		if err != nil {
			fmt.Fprintf(stderr, "wasmtasks: %s: %v\n", c.Name, err)
			failed = silentExit(exitcode.Failed)
			continue
		}
		fmt.Fprintf(stdout, "%-20s %-9s %s\n", c.Name, kind, src)
	}
	return failed
}

const lockUsage = `Usage: wasmtasks lock [-f FILE] [--cache-dir DIR] [COMPONENT…]

Resolves the programs of the named components (default: every one) afresh,
ignoring their pins — a moved tag or @latest is looked up again, a url: is
downloaded again if its program is not in the store — and writes what they
resolved to into wasmtasks.lock beside the task file. Run it after changing
a source on purpose; commit the lock with the task file.

Flags:
`

func lockCmd(args []string, stdout, stderr io.Writer) error {
	var pf projectFlags
	fs := newFlagSet("lock", lockUsage, stderr)
	pf.register(fs)
	if done, err := parseFlags(fs, args); done {
		return err
	}
	project, err := loadProject(pf.file)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := tasks.ResolveOptions{Mode: tasks.LockUpdate, StoreDir: pf.cacheDir, Progress: stderr}
	if err := project.Resolve(ctx, opts, fs.Args()...); err != nil {
		return err
	}
	lock, err := source.ReadLock(project.LockPath())
	if err != nil {
		fmt.Fprintf(stdout, "%s: nothing to pin (no component uses go: with a version, url: or oci:)\n", project.LockPath())
		return nil
	}
	fmt.Fprintf(stdout, "%s: %s\n", project.LockPath(), plural(len(lock.Components), "pin"))
	return nil
}
