package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/bytesize"
	"github.com/wasmtasks/wasmtasks/internal/clilog"
	"github.com/wasmtasks/wasmtasks/runner"
)

const execUsage = `Usage: wasmtasks exec [FLAGS] FILE.wasm [ARGS…]

Runs one WASI program (a wasi:cli component or a preview1 module) with the
process's standard streams. The program sees no environment variable and no
directory unless a flag gives it one. Flags come before FILE.wasm; everything
after it is passed to the program.

Flags:
`

// execFlags holds the flags of `wasmtasks exec`.
type execFlags struct {
	env        listFlag
	inheritEnv bool
	dirs       listFlag
	roDirs     listFlag
	timeout    time.Duration
	memory     string
	cacheDir   string
}

// listFlag is a flag that may be repeated.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func execCmd(args []string, stderr io.Writer) error {
	var f execFlags
	fs := newFlagSet("exec", execUsage, stderr)
	fs.Var(&f.env, "env", "set `NAME=VALUE` in the program's environment (repeatable)")
	fs.BoolVar(&f.inheritEnv, "inherit-env", false, "pass this process's whole environment to the program")
	fs.Var(&f.dirs, "dir", "give the program `HOST[::GUEST]` read-write (repeatable; GUEST defaults to HOST, relative paths under /)")
	fs.Var(&f.roDirs, "ro-dir", "give the program `HOST[::GUEST]` read-only (repeatable)")
	fs.DurationVar(&f.timeout, "timeout", 0, "stop the program after `DURATION` (e.g. 30s, 2m)")
	fs.StringVar(&f.memory, "memory", "", "cap the program's memory at `SIZE` (e.g. 512MiB, 1GiB)")
	fs.StringVar(&f.cacheDir, "cache-dir", "", "keep compiled code in `DIR` (default $WASMTASKS_CACHE_DIR or the user cache folder)")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if fs.NArg() == 0 {
		return usageError("exec needs a FILE.wasm to run")
	}
	eng, err := runner.NewEngine(runner.Options{CacheDir: f.cacheDir, Logger: clilog.New(stderr, "wasmtasks")})
	if err != nil {
		return &exitError{status: exitUsage, err: err}
	}
	defer eng.Close()
	cmd, err := f.command(eng, fs.Arg(0), fs.Args()[1:])
	if err != nil {
		return &exitError{status: exitUsage, err: err}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	_, err = cmd.Run(ctx)
	return execStatus(err)
}

// command builds the runner.Cmd the flags describe.
func (f *execFlags) command(eng *runner.Engine, path string, args []string) (*runner.Cmd, error) {
	cmd := eng.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Timeout = f.timeout
	// An earlier exec could have planted symlinks in the current folder.
	cmd.Roots = []string{"."}
	if f.inheritEnv {
		cmd.Env = os.Environ()
	}
	for _, kv := range f.env {
		if !strings.Contains(kv, "=") {
			return nil, fmt.Errorf("--env %q: want NAME=VALUE", kv)
		}
		cmd.Env = append(cmd.Env, kv)
	}
	for _, spec := range f.dirs {
		cmd.Dirs = append(cmd.Dirs, parseDir(spec, false))
	}
	for _, spec := range f.roDirs {
		cmd.Dirs = append(cmd.Dirs, parseDir(spec, true))
	}
	if f.memory != "" {
		n, err := bytesize.Parse(f.memory)
		if err != nil {
			return nil, fmt.Errorf("--memory: %w", err)
		}
		cmd.MemoryLimit = n
	}
	return cmd, nil
}

// parseDir reads HOST[::GUEST]. Without GUEST an absolute HOST keeps its
// path and a relative one is placed under / (so "." is "/"): WASI programs
// resolve relative paths from /, so they then work in the guest as on the
// host.
func parseDir(spec string, readOnly bool) runner.Dir {
	host, guest, ok := strings.Cut(spec, "::")
	if !ok {
		guest = host
		if !filepath.IsAbs(host) {
			guest = "/" + filepath.ToSlash(filepath.Clean(host))
			if guest == "/." {
				guest = "/"
			}
		}
	}
	return runner.Dir{Host: host, Guest: guest, ReadOnly: readOnly}
}

// execStatus turns the outcome of a run into the exit status of exec.
func execStatus(err error) error {
	var ee *runner.ExitError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		return &exitError{status: exitTimeout, err: err}
	case errors.Is(err, context.Canceled):
		return &exitError{status: exitSignal, err: errors.New("interrupted")}
	case errors.As(err, &ee):
		return silentExit(ee.ExitCode())
	case errors.Is(err, runner.ErrTrap):
		return &exitError{status: exitTrap, err: err}
	default:
		return &exitError{status: exitUsage, err: err}
	}
}
