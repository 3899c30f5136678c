package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/bytesize"
	"github.com/wasmtasks/wasmtasks/internal/clilog"
	"github.com/wasmtasks/wasmtasks/internal/envname"
	"github.com/wasmtasks/wasmtasks/internal/exitcode"
	"github.com/wasmtasks/wasmtasks/runner"
)

const execUsage = `Usage: wasmtasks exec [FLAGS] FILE.wasm [ARGS…]

Runs one WASI program (a wasi:cli component or a preview1 module) with the
process's standard streams. The program sees no environment variable and no
directory unless a flag gives it one. Flags come before FILE.wasm; everything
after it is passed to the program.

Exit status:
  0–125  the program's own exit status. A preview1 module keeps its status;
         a component can only report success (0) or failure (1). wasmtime
         refuses statuses of 126 and more (WASI reserves them): the program
         is stopped with an error instead (see 1).
  1      also: the program ran but was stopped by an error that is not an
         exit, a timeout or a trap (such as exit(200) in a module)
  2      the program could not be run at all (bad flags, unreadable file,
         not a WebAssembly program, a folder that is not there)
  124    --timeout passed (a program may exit 124 itself: use --json to tell)
  130    interrupted (Ctrl-C or SIGTERM)
  134    the program trapped (unreachable code, out-of-bounds access, …)

With --json, the last line on stderr is one JSON object, written when the
program has ended (a program that leaves an unfinished line on stderr
shares that line with it):
  {"exit_code": N, "reason": "exit|timeout|interrupt|trap|error",
   "error": "…", "status": S}
exit_code is the program's own exit status when reason is "exit", and null
otherwise; error says what went wrong (absent for "exit"); status is the exit
status of wasmtasks.

Flags:
`

// execFlags holds the flags of `wasmtasks exec`.
type execFlags struct {
	env        listFlag
	inheritEnv bool
	dirs       listFlag
	roDirs     listFlag
	timeout    timeoutFlag
	memory     memoryFlag
	cacheDir   string
	json       bool
	workDir    string
}

// listFlag is a flag that may be repeated.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// timeoutFlag is a positive duration: without the flag there is no limit,
// so 0 or a negative value is a mistake, not a way to say "unlimited".
type timeoutFlag time.Duration

func (t *timeoutFlag) String() string { return time.Duration(*t).String() }
func (t *timeoutFlag) Set(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return errors.New("want a duration like 30s or 2m")
	}
	if d <= 0 {
		return errors.New("must be positive; leave --timeout out for no limit")
	}
	*t = timeoutFlag(d)
	return nil
}

// memoryFlag is a positive size, for the same reason.
type memoryFlag int64

func (m *memoryFlag) String() string { return fmt.Sprint(int64(*m)) }
func (m *memoryFlag) Set(v string) error {
	n, err := bytesize.Parse(v)
	if err != nil {
		return err
	}
	if n <= 0 {
		return errors.New("must be positive; leave --memory out for no limit")
	}
	*m = memoryFlag(n)
	return nil
}

func execCmd(args []string, stderr io.Writer) error {
	var f execFlags
	rr, err := f.run(args, stderr)
	rep, err := execOutcome(rr, err)
	if !f.json {
		return err
	}
	// The report is the last line: the error's own line comes first.
	status := report(err, stderr)
	b, _ := json.Marshal(rep)
	fmt.Fprintf(stderr, "%s\n", b)
	if status == exitcode.OK {
		return nil
	}
	return silentExit(status)
}

// run parses the flags and runs the program.
func (f *execFlags) run(args []string, stderr io.Writer) (runner.Result, error) {
	fs := newFlagSet("exec", execUsage, stderr)
	fs.Var(&f.env, "env", "set `NAME=VALUE` in the program's environment (repeatable)")
	fs.BoolVar(&f.inheritEnv, "inherit-env", false, "pass this process's whole environment to the program")
	fs.Var(&f.dirs, "dir", "give the program `HOST[::GUEST]` read-write (repeatable; GUEST defaults to HOST, relative paths under /)")
	fs.Var(&f.roDirs, "ro-dir", "give the program `HOST[::GUEST]` read-only (repeatable)")
	fs.Var(&f.timeout, "timeout", "stop the program after `DURATION` (e.g. 30s, 2m; default no limit)")
	fs.Var(&f.memory, "memory", "cap the program's memory at `SIZE` (e.g. 512MiB, 1GiB; default no limit)")
	fs.StringVar(&f.cacheDir, "cache-dir", "", "keep compiled code in `DIR` (default $WASMTASKS_CACHE_DIR or the user cache folder)")
	fs.StringVar(&f.workDir, "workdir", "", "start the program in guest folder `DIR`, inside a --dir or --ro-dir (passed as $PWD: Go programs start there, C programs at /)")
	fs.BoolVar(&f.json, "json", false, "end with a JSON report of the outcome on stderr (see above)")
	if done, err := parseFlags(fs, args); done {
		return runner.Result{}, err
	}
	if fs.NArg() == 0 {
		return runner.Result{}, usageError("exec needs a FILE.wasm to run")
	}
	eng, err := runner.NewEngine(runner.Options{StoreDir: f.cacheDir, Logger: clilog.New(stderr, "wasmtasks")})
	if err != nil {
		return runner.Result{}, &exitError{status: exitcode.Usage, err: err}
	}
	defer eng.Close()
	cmd, err := f.command(eng, fs.Arg(0), fs.Args()[1:])
	if err != nil {
		return runner.Result{}, &exitError{status: exitcode.Usage, err: err}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cmd.Run(ctx)
}

// command builds the runner.Cmd the flags describe.
func (f *execFlags) command(eng *runner.Engine, path string, args []string) (*runner.Cmd, error) {
	cmd := eng.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Timeout, cmd.MemoryLimit = time.Duration(f.timeout), int64(f.memory)
	cmd.WorkDir = f.workDir
	// An earlier exec could have planted symlinks in the current folder.
	cmd.Roots = []string{"."}
	if f.inheritEnv {
		cmd.Env = os.Environ()
	}
	for _, kv := range f.env {
		name, _, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("--env %q: want NAME=VALUE", kv)
		}
		if !envname.Valid(name) {
			return nil, fmt.Errorf("--env %q: %q is not a valid variable name; use letters, digits and _, not starting with a digit", kv, name)
		}
		cmd.Env = append(cmd.Env, kv)
	}
	for _, d := range []struct {
		flag     string
		specs    []string
		readOnly bool
	}{{"dir", f.dirs, false}, {"ro-dir", f.roDirs, true}} {
		for _, spec := range d.specs {
			dir, err := parseDir(d.flag, spec, d.readOnly)
			if err != nil {
				return nil, err
			}
			cmd.Dirs = append(cmd.Dirs, dir)
		}
	}
	return cmd, nil
}

// parseDir reads HOST[::GUEST] and checks that HOST is a folder. Without
// GUEST an absolute HOST keeps its path and a relative one is placed under
// / (so "." is "/"): WASI programs resolve relative paths from /, so they
// then work in the guest as on the host.
func parseDir(flag, spec string, readOnly bool) (runner.Dir, error) {
	host, guest, ok := strings.Cut(spec, "::")
	if host == "" {
		return runner.Dir{}, fmt.Errorf("--%s %q: no HOST folder; write HOST[::GUEST]", flag, spec)
	}
	switch fi, err := os.Stat(host); {
	case errors.Is(err, fs.ErrNotExist):
		return runner.Dir{}, fmt.Errorf("--%s %q: no such folder; create it or fix the path", flag, host)
	case err != nil:
		return runner.Dir{}, fmt.Errorf("--%s %q: %w", flag, host, err)
	case !fi.IsDir():
		return runner.Dir{}, fmt.Errorf("--%s %q: not a folder; give the folder that holds the files", flag, host)
	}
	if !ok {
		guest = host
		if !filepath.IsAbs(host) {
			guest = "/" + filepath.ToSlash(filepath.Clean(host))
			if guest == "/." {
				guest = "/"
			}
		}
	}
	return runner.Dir{Host: host, Guest: guest, ReadOnly: readOnly}, nil
}

// execReport is what `exec --json` prints on stderr when the program ends.
type execReport struct {
	ExitCode *int   `json:"exit_code"`
	Reason   string `json:"reason"`
	Error    string `json:"error,omitempty"`
	Status   int    `json:"status"`
}

// execOutcome turns the outcome of a run into exec's report and the error
// that carries its exit status (see execUsage for the mapping).
func execOutcome(rr runner.Result, err error) (execReport, error) {
	var ee *runner.ExitError
	var se exitcode.Error
	fail := func(reason string, status int, err error) (execReport, error) {
		return execReport{Reason: reason, Error: err.Error(), Status: status}, &exitError{status: status, err: err}
	}
	switch {
	case err == nil:
		code := 0
		return execReport{ExitCode: &code, Reason: "exit"}, nil
	case errors.Is(err, context.DeadlineExceeded):
		return fail("timeout", exitcode.Timeout, err)
	case errors.Is(err, context.Canceled):
		return fail("interrupt", exitcode.Interrupted, errors.New("interrupted"))
	case errors.As(err, &ee):
		code := ee.ExitCode()
		return execReport{ExitCode: &code, Reason: "exit", Status: code}, silentExit(code)
	case errors.Is(err, runner.ErrTrap):
		return fail("trap", exitcode.Trapped, err)
	case errors.As(err, &se):
		// Bad flags or usage: already worded, and the flag package has
		// printed its own message when there is none.
		rep := execReport{Reason: "error", Status: se.ExitStatus()}
		if rep.Error = "bad usage; run 'wasmtasks exec -h'"; errors.Unwrap(err) != nil {
			rep.Error = err.Error()
		}
		return rep, err
	case rr.Run > 0:
		// The program started and the runtime stopped it with an error:
		// wasmtime turns a module's exit status of 126 or more into one.
		return fail("error", exitcode.Failed, err)
	default:
		return fail("error", exitcode.Usage, err)
	}
}
