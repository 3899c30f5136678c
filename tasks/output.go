package tasks

import (
	"github.com/wasmtasks/wasmtasks/runner"

	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/wasmtasks/wasmtasks/internal/safefs"
	"github.com/wasmtasks/wasmtasks/internal/tempfile"
)

// Output modes: how the output of tasks that run at the same time is shown.
const (
	// Prefixed starts every line with [task]; lines of different tasks
	// never mix. The default when tasks can run in parallel.
	Prefixed = "prefixed"
	// Grouped holds each task's output and prints it whole when the task
	// ends.
	Grouped = "grouped"
	// Interleaved passes output through as the programs write it.
	Interleaved = "interleaved"
)

// maxLine is the longest partial line held back in prefixed mode; a longer
// one is printed in pieces so that memory stays bounded.
const maxLine = 64 << 10

// console is the terminal (or whatever Stdout and Stderr are) that all
// tasks share; one lock keeps their writes whole.
type console struct {
	mu             sync.Mutex
	stdout, stderr io.Writer
	mode           string
	live           *liveLine // the status line of a terminal; nil when none
	broken         error     // set once a writer panicked; guarded by mu
}

// write writes b to w, one of the console's streams, with c.mu held: a
// status line on the terminal is cleared first, so that output never mixes
// with it. A writer that panics (a bug in a Go caller's writer) is not
// written to again; the panic becomes an error that fails the tasks whose
// output it was (see [console.failure]) instead of the process.
func (c *console) write(w io.Writer, b []byte) (n int, err error) {
	if c.broken != nil {
		return 0, c.broken
	}
	defer func() {
		if v := recover(); v != nil {
			c.broken = fmt.Errorf("%w: the output writer given to the Runner panicked: %v", runner.ErrStreamPanicked, v)
			n, err = 0, c.broken
		}
	}()
	if c.live != nil {
		c.live.before(w)
		defer c.live.after(w, b)
	}
	return w.Write(b)
}

// failure returns the error of a writer that panicked, if one did.
func (c *console) failure() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.broken
}

// taskStreams returns the writers a task's stdout and stderr go to, and a
// function that flushes what they hold when the task ends.
func (c *console) taskStreams(name string) (stdout, stderr io.Writer, finish func()) {
	switch c.mode {
	case Grouped:
		g := &group{c: c}
		return g.stream(c.stdout), g.stream(c.stderr), g.flush
	case Interleaved:
		return &locked{c: c, w: c.stdout}, &locked{c: c, w: c.stderr}, func() {}
	default:
		prefix := "[" + name + "] "
		o := &prefixer{c: c, w: c.stdout, prefix: prefix}
		e := &prefixer{c: c, w: c.stderr, prefix: prefix}
		return o, e, func() { o.flush(); e.flush() }
	}
}

// printf writes a line of wasmtasks' own to stderr.
func (c *console) printf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.write(c.stderr, fmt.Appendf(nil, format, args...))
}

type locked struct {
	c *console
	w io.Writer
}

func (l *locked) Write(p []byte) (int, error) {
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	return l.c.write(l.w, p)
}

// prefixer writes whole lines, each starting with the task's name.
type prefixer struct {
	c      *console
	w      io.Writer
	prefix string
	buf    []byte
}

func (p *prefixer) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	i := bytes.LastIndexByte(p.buf, '\n')
	if i < 0 && len(p.buf) < maxLine {
		return len(b), nil
	}
	if i < 0 {
		i = len(p.buf) - 1
		p.buf = append(p.buf, '\n') // too long to hold: print it in pieces
		i++
	}
	p.emit(p.buf[:i+1])
	p.buf = append(p.buf[:0], p.buf[i+1:]...)
	return len(b), nil
}

func (p *prefixer) emit(lines []byte) {
	var out bytes.Buffer
	for len(lines) > 0 {
		j := bytes.IndexByte(lines, '\n')
		out.WriteString(p.prefix)
		out.Write(lines[:j+1])
		lines = lines[j+1:]
	}
	p.c.mu.Lock()
	defer p.c.mu.Unlock()
	p.c.write(p.w, out.Bytes())
}

func (p *prefixer) flush() {
	if len(p.buf) > 0 {
		p.emit(append(p.buf, '\n'))
		p.buf = nil
	}
}

// group holds a task's output, in the order it was written, until the
// task ends.
type group struct {
	c      *console
	mu     sync.Mutex
	chunks []chunk
}

type chunk struct {
	w    io.Writer
	data []byte
}

func (g *group) stream(w io.Writer) io.Writer {
	return writerFunc(func(b []byte) (int, error) {
		g.mu.Lock()
		defer g.mu.Unlock()
		if n := len(g.chunks); n > 0 && g.chunks[n-1].w == w {
			g.chunks[n-1].data = append(g.chunks[n-1].data, b...)
		} else {
			g.chunks = append(g.chunks, chunk{w: w, data: append([]byte(nil), b...)})
		}
		return len(b), nil
	})
}

func (g *group) flush() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.c.mu.Lock()
	defer g.c.mu.Unlock()
	for _, ch := range g.chunks {
		g.c.write(ch.w, ch.data)
	}
	g.chunks = nil
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// tail keeps the last lines written to it, for the failure report.
type tail struct {
	mu    sync.Mutex
	lines []string
	part  []byte
	max   int
}

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.part = append(t.part, b...)
	for {
		i := bytes.IndexByte(t.part, '\n')
		if i < 0 {
			break
		}
		t.add(string(t.part[:i]))
		t.part = t.part[i+1:]
	}
	if len(t.part) > maxLine {
		t.part = t.part[len(t.part)-maxLine:]
	}
	return len(b), nil
}

func (t *tail) add(line string) {
	t.lines = append(t.lines, line)
	if len(t.lines) > t.max {
		t.lines = t.lines[len(t.lines)-t.max:]
	}
}

// Lines returns the last lines, the unfinished one included.
func (t *tail) text() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := append([]string(nil), t.lines...)
	if len(t.part) > 0 {
		out = append(out, string(t.part))
	}
	if len(out) > t.max {
		out = out[len(out)-t.max:]
	}
	return out
}

// pendingFile is a task's output file, written to a temporary file beside
// it and renamed into place only when the task succeeds: a failed or
// interrupted task never leaves half an output that a later run would take
// as done. Its folder is opened through the project's guard and held open,
// and the file is only ever reached by name within it, so a symlink a
// guest planted cannot redirect what is read or replaced.
type pendingFile struct {
	dir  *safefs.Dir
	name string // the output's name in dir
	tmp  string // the temporary file's name in dir
	f    *os.File
}

func newPendingFile(g *safefs.Guard, sw *sweeper, path string, appendTo bool) (*pendingFile, error) {
	dir, name, err := g.OpenParent(path, true)
	if err != nil {
		return nil, err
	}
	sw.sweep(dir)
	p := &pendingFile{dir: dir, name: name}
	if err := p.create(appendTo); err != nil {
		dir.Close()
		return nil, err
	}
	return p, nil
}

// create makes the temporary file: mode 0666 less the umask for a new
// output, the old file's mode for an existing one, whose content it starts
// with when appending.
func (p *pendingFile) create(appendTo bool) error {
	old, mode, err := p.existing(appendTo)
	if err != nil {
		return err
	}
	if old != nil {
		defer old.Close()
	}
	p.tmp = tempfile.Name(p.name)
	p.f, err = p.dir.Root().OpenFile(p.tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return err
	}
	if mode != 0 {
		err = p.f.Chmod(mode)
	}
	if old != nil && err == nil {
		_, err = io.Copy(p.f, old)
	}
	if err != nil {
		p.finish(false)
	}
	return err
}

// existing returns the output's mode if it exists, and the file itself to
// append to. Anything but a regular file there is refused.
func (p *pendingFile) existing(appendTo bool) (*os.File, fs.FileMode, error) {
	fi, err := p.dir.Lstat(p.name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	if !appendTo {
		return nil, fi.Mode().Perm(), nil
	}
	old, err := p.dir.Open(p.name)
	return old, fi.Mode().Perm(), err
}

// strayScans counts the folder reads looking for stray temporaries, for tests.
var strayScans atomic.Int64

// sweeper removes the temporary files that writers killed mid-run left
// behind in output folders, reading each folder once per Runner: reading
// it for every output made a run of N tasks writing into one folder cost
// N². The zero value is ready to use.
type sweeper struct {
	mu    sync.Mutex
	swept map[string]bool // by folder path
}

// sweep removes the orphaned temporaries in d, the first time d's folder
// is seen.
func (s *sweeper) sweep(d *safefs.Dir) {
	s.mu.Lock()
	if s.swept[d.Path()] {
		s.mu.Unlock()
		return
	}
	if s.swept == nil {
		s.swept = map[string]bool{}
	}
	s.swept[d.Path()] = true
	s.mu.Unlock()
	strayScans.Add(1)
	f, err := d.Root().Open(".")
	if err != nil {
		return
	}
	defer f.Close()
	names, _ := f.Readdirnames(-1) // names only: no stat per entry
	for _, name := range names {
		if tempfile.Orphan(name) {
			d.Root().Remove(name)
		}
	}
}

func (p *pendingFile) Write(b []byte) (int, error) { return p.f.Write(b) }

// finish renames the file into place when keep is set, and removes it
// otherwise.
func (p *pendingFile) finish(keep bool) error {
	defer p.dir.Close()
	err := p.f.Close()
	if keep && err == nil {
		if err = p.dir.Root().Rename(p.tmp, p.name); err == nil {
			return nil
		}
	}
	p.dir.Root().Remove(p.tmp)
	return err
}

func indent(lines []string) string {
	return "    " + strings.Join(lines, "\n    ")
}
