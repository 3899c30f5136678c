package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/wasmtasks/wasmtasks/runner/internal/capi"
)

// Cmd is one run of a WASI command program, configured through its fields
// like an os/exec.Cmd. A Cmd runs once; make a new one for each run.
type Cmd struct {
	// Path is the program file: a wasi:cli component or a WASI preview1
	// module, told apart by its header. Errors name the program by Path.
	Path string

	// Wasm, if not nil, holds the program's bytes, and Path is then only its
	// name.
	Wasm []byte

	// Name, if not empty, is how people call the program: a source such as
	// oci:… or go:…, where Path is only where it was put. The store keeps
	// it beside its record of the program file, so that `wasmtasks cache
	// info` can say whose compiled code an entry is. Empty means Path.
	Name string

	// Args holds the command-line arguments, including the program name as
	// Args[0]. If Args is empty, the guest gets just the base name of Path.
	Args []string

	// Env holds the guest's environment as "NAME=value" strings. If Env is
	// nil the guest has an empty environment: nothing of the host's leaks in.
	Env []string

	// Stdin is the guest's standard input. If nil, the guest reads an empty
	// stream. If os.Stdin, the guest reads the process's own standard input.
	// Otherwise the guest reads what the reader yields, streamed through a
	// pipe, so the reader is never held whole in memory.
	Stdin io.Reader

	// Stdout and Stderr receive the guest's output while it runs. If nil,
	// output is discarded. If os.Stdout or os.Stderr, the guest writes to the
	// process's stream directly. Any other writer gets each write of the
	// guest as one Write call, from a goroutine of the run, and no Write
	// after Run has returned: output of an abandoned guest (see Timeout) is
	// dropped. A writer (or a Stdin reader) that panics is not the end of
	// the process: the panic is recovered, the guest's later output is
	// dropped (or its input ends), and Run fails with an error matching
	// [ErrStreamPanicked].
	//
	// On Windows a guest's streams can only be the process's own or nil:
	// wasmtime opens stream files by path, and a pipe has none there. Run
	// then fails with an error that matches errors.ErrUnsupported.
	Stdout io.Writer
	Stderr io.Writer

	// SHA256, if not empty, pins the program: Run refuses a program whose
	// SHA-256 (in hex) differs, checked on the very bytes it would run.
	SHA256 string

	// Dirs are the host directories the guest may open; it sees nothing else
	// of the host file system.
	Dirs []Dir

	// WorkDir, if not empty, is the guest's current folder: an absolute
	// guest path inside one of the Dirs, passed as $PWD (replacing any PWD
	// in Env). Go's wasip1 runtime starts there (without it, at the first
	// Dir's guest path); wasi-libc, which C programs use, always starts at
	// "/" and leaves $PWD to the program.
	WorkDir string

	// Roots are the host folders in which a guest could have planted
	// symlinks: the project folder, and every read-write Dir of this run and
	// of the runs before it (a task file's whole set). On the way to a Dir,
	// a symlink strictly below a root is refused, one elsewhere (a symlink
	// the user or the system made, like /tmp -> /private/tmp) is followed.
	// The Cmd's own read-write Dirs always count. If Roots is nil, the
	// current folder is the only other root.
	Roots []string

	// Timeout, if positive, stops the guest when it has run that long,
	// counted from before instantiation (start functions included). Like
	// cancellation of Run's context, it traps running wasm within a few
	// milliseconds. A guest blocked in a host call that cannot be
	// interrupted (a sleep, a read of stdin or a named pipe) is abandoned
	// after a short grace: Run returns at once, the stdin pipe is closed,
	// later output is dropped, and the guest's resources are freed when the
	// call returns. See [MaxStuckRuns].
	Timeout time.Duration

	// MemoryLimit, if positive, caps the guest's linear memories and tables
	// together at that many bytes. The memories and tables the program
	// defines are counted when it is loaded; all tables share a sixteenth of
	// the limit (at most 64 MiB, at 8 bytes an element) and each memory gets
	// an equal part of the rest. memory.grow or table.grow past a share
	// fails, and the guest sees out-of-memory; a program that would create
	// more memories or tables than it defines fails to instantiate. Host
	// memory used on the guest's behalf (compiled code, WASI state) is not
	// counted.
	MemoryLimit int64

	// OnCompile, if not nil, is called when Run starts compiling the
	// program, with the program's size in bytes, so that a front end can
	// say why a run is slow to start (a 30 MB program compiles for
	// seconds); Run calls the returned done func, if not nil, when the
	// compile ends. Only the run that really compiles calls it: not one
	// that loads stored or already compiled code, nor one that waits for
	// another run's compile of the same program.
	OnCompile func(size int64) (done func())

	// Reproducible, if not nil, fixes the guest's wall clock and seeds all
	// its randomness, so that its output does not depend on when it ran. If
	// nil, the guest reads the host's clock and entropy.
	Reproducible *Reproducible

	engine *Engine
	kind   Kind // known once the program is loaded, for error messages
	ran    bool
}

// Dir is a host directory preopened for the guest.
type Dir struct {
	// Host is the directory on the host.
	Host string
	// Guest is the absolute path at which the guest sees it.
	Guest string
	// ReadOnly forbids the guest to create, change or delete anything in it.
	ReadOnly bool
	// Create makes a missing Host folder, and its missing parents, before
	// the run, under the same symlink rule as the opening (see Roots). It
	// is ignored for a ReadOnly folder, which must exist.
	Create bool
}

// Result describes a finished run.
type Result struct {
	// ExitCode is the guest's exit status: 0 or 1 for a component (which can
	// only report success or failure), the full status for a core module.
	ExitCode int
	// Kind is the kind of program that ran.
	Kind Kind
	// Source says whether the program was compiled for this run or reused.
	Source Source
	// Load, Instantiate and Run are the time spent getting compiled code,
	// instantiating it, and running it.
	Load, Instantiate, Run time.Duration
}

// Command returns a Cmd that runs the program at path with the given
// arguments; Args[0] is the base name of path.
func (e *Engine) Command(path string, args ...string) *Cmd {
	return &Cmd{
		Path:   path,
		Args:   append([]string{filepath.Base(path)}, args...),
		engine: e,
	}
}

// Run runs the program and waits for it to finish. A guest that exits with
// a non-zero status, or is stopped by ctx or Timeout, returns an
// [*ExitError] along with the Result. Any other error (unreadable program,
// bad settings, a trap) names the program and what failed.
//
// ctx bounds the compile too, though nothing can cancel one: when ctx
// ends while the program compiles, Run returns at once with an
// [*ExitError] that also matches [ErrStillCompiling], and the compile goes
// on in the background for later runs and the store.
func (c *Cmd) Run(ctx context.Context) (Result, error) {
	var res Result
	if c.engine == nil {
		return res, errors.New("runner: Cmd not made by Engine.Command")
	}
	if c.ran {
		return res, errors.New("runner: Cmd already ran")
	}
	c.ran = true
	if err := c.engine.checkStuck(); err != nil {
		return res, c.errorf("%w", err)
	}
	if err := ctx.Err(); err != nil {
		res.ExitCode = -1
		return res, &ExitError{Code: -1, Program: c.Path, cause: err}
	}
	start := time.Now()
	prog, src, err := c.loadProgram(ctx)
	res.Load = time.Since(start)
	var stop *compileStop
	if errors.As(err, &stop) {
		res.ExitCode = -1
		return res, &ExitError{Code: -1, Program: c.Path, cause: stop}
	}
	if err != nil {
		return res, c.errorf("%w", err)
	}
	res.Kind, res.Source = prog.kind, src
	c.kind = prog.kind
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	if err := ctx.Err(); err != nil {
		res.ExitCode = -1
		return res, &ExitError{Code: -1, Program: c.Path, cause: err}
	}
	return c.run(ctx, prog, res)
}

func (c *Cmd) loadProgram(ctx context.Context) (*program, Source, error) {
	wasm := c.Wasm
	var stamp fileStamp
	var readStart time.Time
	if wasm == nil {
		var err error
		if stamp, err = statFile(c.Path); err != nil {
			return nil, SourceUnknown, err
		}
		if f, ok := c.engine.known(c.Path, stamp); ok && f.prog != nil {
			c.kind = f.prog.kind
			return f.prog, Memory, c.checkPin(f.digest)
		}
		if p, ok, err := c.loadRecorded(stamp); err != nil {
			return nil, SourceUnknown, err
		} else if ok {
			return p, Stored, nil
		}
		readStart = time.Now()
		if wasm, err = readProgram(c.Path); err != nil {
			return nil, SourceUnknown, err
		}
	}
	d := digest(sha256.Sum256(wasm))
	if k, err := kindOf(wasm); err == nil {
		c.kind = k
	}
	if err := c.checkPin(d); err != nil {
		return nil, SourceUnknown, err
	}
	p, src, err := c.engine.load(ctx, wasm, d, c.OnCompile)
	if err == nil && c.Wasm == nil {
		c.engine.remember(c.Path, loadedFile{stamp: stamp, digest: d, prog: p})
		c.engine.record(c.Path, c.Name, stamp, d, p, readStart)
	}
	return p, src, err
}

// loadRecorded loads the program from the store without reading its file,
// when the store recorded this version of the file (recorded.go); ok is
// false when the usual way must load it. A pin that the recorded digest
// does not match is an error, as it would be after reading.
func (c *Cmd) loadRecorded(stamp fileStamp) (p *program, ok bool, err error) {
	d, kind, sh, ok := c.engine.recorded(stamp)
	if !ok {
		return nil, false, nil
	}
	c.kind = kind
	if err := c.checkPin(d); err != nil {
		return nil, false, err
	}
	if p, ok = c.engine.loadRecorded(d, kind, sh); !ok {
		return nil, false, nil
	}
	c.engine.remember(c.Path, loadedFile{stamp: stamp, digest: d, prog: p})
	return p, true, nil
}

// checkPin compares the program's digest with SHA256, if that is set.
func (c *Cmd) checkPin(d digest) error {
	if c.SHA256 == "" || strings.EqualFold(c.SHA256, hex.EncodeToString(d[:])) {
		return nil
	}
	return fmt.Errorf("SHA-256 is %x, but %s is pinned; update the pin if the new program is trusted", d[:], c.SHA256)
}

func (c *Cmd) run(ctx context.Context, prog *program, res Result) (Result, error) {
	g, err := c.newGuest(ctx, prog)
	if err != nil {
		return res, err
	}
	finished := make(chan outcome, 1)
	// The ticker runs from before instantiation, so start functions are
	// interrupted too, and until the guest has really returned.
	ticking := c.engine.guestStarted()
	start := time.Now()
	go func() {
		defer ticking()
		r, err := c.runGuest(ctx, g, prog, res)
		g.close()
		finished <- outcome{r, err}
	}()
	if o, ok := await(ctx, finished); ok {
		// A panic of the Cmd's own stream is a bug on the host's side: it
		// outranks whatever the guest made of its failed writes.
		if err := g.streams.panicErr(); err != nil {
			return o.res, c.errorf("%w", err)
		}
		return o.res, o.err
	}
	// The guest is blocked in a host call that the interrupt cannot reach.
	g.streams.abandon()
	c.engine.abandoned(finished)
	res.ExitCode, res.Run = -1, time.Since(start)
	return res, &ExitError{Code: -1, Program: c.Path, cause: ctx.Err()}
}

// guest is one run's store and the streams connected to it.
type guest struct {
	store   *capi.Sandbox
	streams *streams
}

// newGuest makes the store and the WASI context of a run.
func (c *Cmd) newGuest(ctx context.Context, prog *program) (*guest, error) {
	g := &guest{store: prog.eng.NewSandbox()}
	wasi, st, err := c.wasiConfig(ctx)
	g.streams = st
	if err != nil {
		g.close()
		return nil, c.errorf("%w", err)
	}
	g.store.SetLimits(c.limits(prog))
	err = g.store.SetWASI(wasi)
	st.opened()
	if err != nil {
		g.close()
		return nil, c.errorf("wasi: %w", err)
	}
	g.store.SetInterrupt(func() bool { return ctx.Err() != nil })
	return g, nil
}

// close frees the store first: that closes wasmtime's ends of the pipes,
// and finish then waits until every byte of output was delivered.
func (g *guest) close() {
	g.store.Close()
	g.streams.finish()
}

// runGuest instantiates the program and calls its entry point.
func (c *Cmd) runGuest(ctx context.Context, g *guest, prog *program, res Result) (Result, error) {
	start := time.Now()
	inst, err := g.store.Instantiate(prog.c)
	res.Instantiate = time.Since(start)
	if err != nil {
		if c.MemoryLimit > 0 {
			err = fmt.Errorf("%w (%s)", err, c.describeLimits(prog))
		}
		return c.exitResult(ctx, res, "instantiate", err)
	}
	start = time.Now()
	err = inst.Run()
	res.Run = time.Since(start)
	if err == nil && g.streams.stdinCut.Load() {
		// The guest ended on the end of input that the cancel gave it: it
		// was stopped, whatever status it chose.
		res.ExitCode = -1
		return res, &ExitError{Code: -1, Program: c.Path, cause: ctx.Err()}
	}
	return c.exitResult(ctx, res, "run", err)
}

// exitResult turns what instantiation (stage "instantiate", which runs
// start functions) or the entry point (stage "run") returned into the exit
// code and error the caller sees.
func (c *Cmd) exitResult(ctx context.Context, res Result, stage string, err error) (Result, error) {
	if err == nil {
		return res, nil
	}
	res.ExitCode = -1
	var ce *capi.Error
	if !errors.As(err, &ce) {
		return res, c.errorf("%s: %w", stage, err)
	}
	switch {
	case ce.Cause == capi.Exited:
		res.ExitCode = ce.Status
		if ce.Status == 0 {
			return res, nil
		}
		return res, &ExitError{Code: ce.Status, Program: c.Path}
	case ce.Cause == capi.Interrupted:
		return res, &ExitError{Code: -1, Program: c.Path, cause: ctx.Err()}
	case ce.Cause == capi.Trapped && stage == "run":
		return res, c.errorf("%w", &trapError{err: err})
	}
	return res, c.errorf("%s: %w", stage, err)
}

// errorf prefixes an error with the program's kind and name:
// `runner: component "fmt.wasm": instantiate: …`.
func (c *Cmd) errorf(format string, args ...any) error {
	what := "program"
	if c.kind != KindUnknown {
		what = c.kind.String()
	}
	return fmt.Errorf("runner: %s %q: "+format, append([]any{what, c.Path}, args...)...)
}
