package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/wasmtasks/wasmtasks/internal/bytesize"
	"github.com/wasmtasks/wasmtasks/internal/clilog"
	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/tasks"
)

const cacheUsage = `Usage: wasmtasks cache [--cache-dir DIR] info|prune|clear

Manages the store: compiled code, which lets a program compiled once start
in milliseconds in every later run, and the programs that go:, url: and oci:
sources obtained (its sources folder).

  info    the store's folder, compiled code and sources with their sizes,
          the cap, and the largest entries with the program of each
          ("?" when no authenticated record names it)
  prune   shrink the whole store to its cap, least recently used first:
          compiled code first (it is cheap to make again), then sources;
          also remove what interrupted writes left behind
  clear   remove all compiled code and sources

The store is the one --cache-dir names, else the nearest task file's
cache_dir, else $WASMTASKS_CACHE_DIR, else the user cache folder's wasmtasks
folder.

Flags:
`

func cacheCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("cache", cacheUsage, stderr)
	dir := fs.String("cache-dir", "", "use the store in `DIR`")
	max := fs.String("max", "", "cap for prune, like 500MiB (default: "+bytesize.Format(runner.DefaultStoreMaxBytes)+")")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	cmd, err := cacheCommand(fs)
	if err != nil {
		return err
	}
	var maxBytes int64
	if *max != "" {
		n, err := bytesize.Parse(*max)
		if err != nil {
			return &exitError{status: exitcode.Usage, err: fmt.Errorf("--max: %w", err)}
		}
		maxBytes = n
	}
	c, err := openStore(*dir, maxBytes, stderr)
	if err != nil {
		return err
	}
	switch cmd {
	case "info":
		info, err := c.Info()
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, info)
	case "prune":
		pruned, err := c.Prune()
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, pruned)
	case "clear":
		if err := c.Clear(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "cleared %s\n", c.Dir())
	}
	return nil
}

// cacheCommand returns the one command word, which flags may also follow
// (cache info --cache-dir DIR), before a store is opened for it.
func cacheCommand(fs *flag.FlagSet) (string, error) {
	cmd := fs.Arg(0)
	if fs.NArg() > 0 {
		if done, err := parseFlags(fs, fs.Args()[1:]); done {
			return "", err
		}
	}
	switch {
	case cmd == "":
		return "", usageError("cache needs one of info, prune, clear")
	case cmd != "info" && cmd != "prune" && cmd != "clear":
		return "", usageError(fmt.Sprintf("unknown cache command %q; want info, prune or clear", cmd))
	case fs.NArg() > 0:
		return "", usageError(fmt.Sprintf("cache %s takes no arguments, not %q", cmd, fs.Arg(0)))
	}
	return cmd, nil
}

// openStore opens the store that [tasks.Project.StoreDir] names for the
// nearest task file, if there is one that loads, and the --cache-dir flag.
func openStore(flag string, maxBytes int64, stderr io.Writer) (*tasks.Store, error) {
	var p *tasks.Project
	if path, err := tasks.Find(".", ""); err == nil {
		p, _ = tasks.Load(path)
	}
	dir, err := p.StoreDir(flag)
	if err != nil {
		return nil, err
	}
	return tasks.OpenStore(dir, maxBytes, clilog.New(stderr, "wasmtasks"))
}
