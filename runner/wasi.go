package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/wasmtasks/wasmtasks/internal/safefs"

	"github.com/wasmtasks/wasmtasks/runner/internal/capi"
)

// wasiConfig translates the Cmd's fields into the binding's WASI settings.
// The returned streams must be released once the run is over.
func (c *Cmd) wasiConfig(ctx context.Context) (*capi.WASI, *streams, error) {
	st := &streams{pool: &c.engine.outs}
	w := &capi.WASI{Args: c.Args}
	if len(w.Args) == 0 {
		w.Args = []string{path.Base(c.Path)}
	}
	for _, a := range w.Args {
		if strings.IndexByte(a, 0) >= 0 {
			return nil, st, fmt.Errorf("argument %q contains a NUL byte", a)
		}
		if !utf8.ValidString(a) {
			return nil, st, fmt.Errorf("argument %q is %w", a, ErrNotUTF8)
		}
	}
	env, err := splitEnv(c.Env)
	if err != nil {
		return nil, st, err
	}
	if w.Env, err = c.withWorkDir(env); err != nil {
		return nil, st, err
	}
	if len(c.Dirs) > 0 {
		// Resolving the guard's roots walks folders: only runs that open
		// folders pay for it.
		if w.Dirs, err = st.preopens(c.Dirs, c.guard(), c.checkStore); err != nil {
			return nil, st, err
		}
	}
	w.Fixed = c.Reproducible.fixed()
	if w.InheritStdout, w.StdoutFile, err = st.output("stdout", c.Stdout, os.Stdout); err != nil {
		return nil, st, err
	}
	if w.InheritStderr, w.StderrFile, err = st.output("stderr", c.Stderr, os.Stderr); err != nil {
		return nil, st, err
	}
	err = st.input(ctx, w, c.Stdin)
	return w, st, err
}

// ErrNotUTF8 is why an argument or environment variable cannot be passed
// to a program: WASI strings are UTF-8, and wasmtime refuses anything else.
var ErrNotUTF8 = errors.New("not valid UTF-8, which WASI cannot pass to a program")

func splitEnv(env []string) ([][2]string, error) {
	out := make([][2]string, 0, len(env))
	for _, kv := range env {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("environment entry %q is not NAME=value", kv)
		}
		if strings.IndexByte(kv, 0) >= 0 {
			return nil, fmt.Errorf("environment entry %q contains a NUL byte", name)
		}
		if !utf8.ValidString(kv) {
			return nil, fmt.Errorf("environment variable %q is %w; fix or unset it on the host, or pass the program only the variables it needs", name, ErrNotUTF8)
		}
		out = append(out, [2]string{name, value})
	}
	return out, nil
}

// withWorkDir sets $PWD to WorkDir, if it is set, in place of any PWD of
// env, after checking that it lies inside one of the Dirs.
func (c *Cmd) withWorkDir(env [][2]string) ([][2]string, error) {
	if c.WorkDir == "" {
		return env, nil
	}
	wd := path.Clean(c.WorkDir)
	if !path.IsAbs(wd) {
		return nil, fmt.Errorf("work dir %q is not absolute; give it as the guest sees it, like /src", c.WorkDir)
	}
	inside := slices.ContainsFunc(c.Dirs, func(d Dir) bool {
		g := path.Clean(d.Guest)
		return wd == g || g == "/" || strings.HasPrefix(wd, g+"/")
	})
	if !inside {
		return nil, fmt.Errorf("work dir %s is not inside any folder the program gets; give it a folder there", wd)
	}
	env = slices.DeleteFunc(env, func(kv [2]string) bool { return kv[0] == "PWD" })
	return append(env, [2]string{"PWD", wd}), nil
}

// guard is the rule by which the Cmd's Dirs are opened: the Roots (or the
// current folder) and the Cmd's own read-write Dirs are where a guest could
// have planted symlinks.
func (c *Cmd) guard() *safefs.Guard {
	roots := c.Roots
	if roots == nil {
		roots = []string{"."}
	}
	roots = slices.Clone(roots)
	for _, d := range c.Dirs {
		if !d.ReadOnly {
			roots = append(roots, d.Host)
		}
	}
	return safefs.NewGuard(roots...)
}

// preopens opens each Dir through the guard and hands wasmtime the folder
// so opened; the streams keep them open until the run is over.
// check vets each folder as opened (its real path) before the guest gets it.
func (st *streams) preopens(dirs []Dir, g *safefs.Guard, check func(Dir, string) error) ([]capi.Preopen, error) {
	out := make([]capi.Preopen, 0, len(dirs))
	seen := make(map[string]bool)
	for _, d := range dirs {
		if !path.IsAbs(d.Guest) {
			return nil, fmt.Errorf("dir %s: guest path %q is not absolute", d.Host, d.Guest)
		}
		guest := path.Clean(d.Guest)
		if seen[guest] {
			return nil, fmt.Errorf("dir %s: guest path %s is mapped twice", d.Host, guest)
		}
		seen[guest] = true
		host, real, err := st.openDir(d.Host, d.Create && !d.ReadOnly, g)
		if err == nil {
			err = check(d, real)
		}
		if err != nil {
			return nil, fmt.Errorf("dir %s: %w", d.Host, err)
		}
		out = append(out, capi.Preopen{Host: host, Guest: guest, ReadOnly: d.ReadOnly})
	}
	return out, nil
}

// openDir opens a folder through the guard; it returns the path to hand
// wasmtime and the folder's real path.
func (st *streams) openDir(host string, create bool, g *safefs.Guard) (preopen, real string, err error) {
	open := g.OpenDir
	if create {
		open = g.MkdirAll
	}
	dir, err := open(host)
	if err != nil {
		return "", "", err
	}
	st.dirs = append(st.dirs, dir)
	preopen, err = dir.Preopen()
	return preopen, dir.Path(), err
}

// streams are the pipes that connect a guest's standard streams to the
// Cmd's readers and writers. wasmtime opens each pipe's guest end by its
// path ([pipePath]: /dev/fd/N on Unix; elsewhere a pipe has none, and only
// inherited or absent streams work); goroutines copy between the host ends
// and the Cmd's streams, so output streams while the guest runs and is
// never held whole. Output goes through pipes the engine keeps
// (outchan.go); stdin through a pipe of the run's own.
type streams struct {
	pool      *outPool   // the engine's pipes for output
	chans     []*outChan // the pipes this run's output goes through
	guestEnds []*os.File // our copies of the ends wasmtime opened
	outputs   []*guardedWriter
	stdin     *os.File // the host end of the stdin pipe, if any
	stop      func() bool
	stdinCut  atomic.Bool   // the cancel closed stdin under the guest
	dirs      []*safefs.Dir // the preopened folders, open until the store closes

	panicMu  sync.Mutex
	panicked error // the first panic of a Cmd's reader or writer, recovered
}

// recovered records a panic of the Cmd's reader or writer of the stream
// name (in a deferred call of a copier): the run then fails with it
// instead of taking the process down with pending work.
func (st *streams) recovered(name string, v any) {
	st.panicMu.Lock()
	defer st.panicMu.Unlock()
	if st.panicked == nil {
		st.panicked = &streamPanic{stream: name, value: v}
	}
}

// panicErr returns the recorded panic, if any; call it after finish.
func (st *streams) panicErr() error {
	st.panicMu.Lock()
	defer st.panicMu.Unlock()
	return st.panicked
}

// guardedWriter passes writes on until it is shut: a Cmd's writer gets
// nothing once Run has returned.
type guardedWriter struct {
	mu   sync.Mutex
	w    io.Writer
	shut bool
	ch   *outChan // the pipe that brings the guest's output to it
}

// guardFor returns the guard of w: stdout and stderr that are the same
// writer share one, so that one Write at a time reaches it, as os/exec
// promises for a shared Stdout and Stderr.
func (st *streams) guardFor(w io.Writer) *guardedWriter {
	for _, g := range st.outputs {
		if sameWriter(g.w, w) {
			return g
		}
	}
	g := &guardedWriter{w: w}
	st.outputs = append(st.outputs, g)
	return g
}

// sameWriter reports whether a and b are the same writer; writers of
// types that cannot be compared are never the same.
func sameWriter(a, b io.Writer) (same bool) {
	defer func() { _ = recover() }()
	return a == b
}

// errAbandoned stops the copier of an abandoned run's output.
var errAbandoned = errors.New("run abandoned")

func (g *guardedWriter) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shut {
		return 0, errAbandoned
	}
	return g.w.Write(p)
}

// abandon cuts the Cmd's streams off a guest that Run gives up waiting
// for: no Write to its writers starts after abandon returns, and its stdin
// ends.
func (st *streams) abandon() {
	for _, g := range st.outputs {
		g.mu.Lock()
		g.shut = true
		g.mu.Unlock()
	}
	if st.stdin != nil {
		st.stdin.Close()
	}
}

// output connects a writer: nil discards, the process's own stream is
// inherited, anything else gets a pipe of the engine's (outchan.go); a
// writer that is both stdout and stderr gets one pipe for both, so their
// order is kept.
func (st *streams) output(name string, w io.Writer, own *os.File) (inherit bool, file string, err error) {
	switch w {
	case nil:
		return false, "", nil
	case own:
		return true, "", nil
	}
	g := st.guardFor(w)
	if g.ch == nil {
		if g.ch, err = st.pool.get(&outTarget{st: st, name: name, w: g}); err != nil {
			return false, "", err
		}
		st.chans = append(st.chans, g.ch)
	}
	return false, g.ch.path, nil
}

// input connects stdin: nil is empty, os.Stdin is inherited, any other
// reader is streamed through a pipe.
func (st *streams) input(ctx context.Context, w *capi.WASI, r io.Reader) error {
	switch r {
	case nil:
		return nil
	case os.Stdin:
		w.InheritStdin = true
		return nil
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("stdin: %w", err)
	}
	st.guestEnds = append(st.guestEnds, pr)
	if w.StdinFile, err = pipePath(pr); err != nil {
		pw.Close()
		return err
	}
	st.stdin = pw
	go func() {
		defer pw.Close()
		// A reader that panics ends the guest's input, and the run fails.
		defer func() {
			if v := recover(); v != nil {
				st.recovered("stdin", v)
			}
		}()
		// An error here means the guest stopped reading (the pipe closed):
		// what it did not read is not its business.
		_, _ = io.Copy(pw, r)
	}()
	// A cancelled guest blocked reading stdin sees end of file.
	st.stop = context.AfterFunc(ctx, func() {
		st.stdinCut.Store(true)
		pw.Close()
	})
	return nil
}

// opened is called once wasmtime has opened the guest ends: our copies are
// closed, so that the pipes end when the store closes its own.
func (st *streams) opened() {
	for _, f := range st.guestEnds {
		f.Close()
	}
	st.guestEnds = nil
}

// finish waits until all output has reached the Cmd's writers. It must be
// called after the store is closed (which closes wasmtime's ends).
func (st *streams) finish() {
	st.opened()
	for _, ch := range st.chans {
		st.pool.put(ch)
	}
	st.chans = nil
	if st.stop != nil {
		st.stop()
	}
	for _, d := range st.dirs {
		d.Close()
	}
}
