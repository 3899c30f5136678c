package tasks

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/bytesize"
)

// Intervals of the progress report.
const (
	// redrawEvery is how often the status line of a terminal is redrawn
	// while tasks run, to count their time.
	redrawEvery = 100 * time.Millisecond
	// remindEvery is how often a plain line says that a program is still
	// compiling.
	remindEvery = 10 * time.Second
)

// progress tells the person watching what the tasks do. On a terminal
// (console.live set) a status line at the bottom shows what runs, how long
// it has run and what compiles; lines that stay say when a compile or a
// task ended. Elsewhere (a pipe, a CI log) plain lines say when a task
// starts and ends and when a program compiles, and remind every
// remindEvery that it still does. Quiet keeps only the lines of failed
// tasks. Tasks that are up to date or never start get no line: at 5,000
// tasks the summary counts them.
//
// Its state is guarded by the console's lock.
type progress struct {
	c     *console
	quiet bool
	dir   string           // the project folder, to name programs briefly
	now   func() time.Time // time.Now, but for tests
	every time.Duration    // remindEvery, but for tests

	running     []*running // in the order they started
	total, done int        // tasks the Runner took on, and finished
	ticking     bool       // the redraw goroutine runs
}

// running is a task that started and has not ended.
type running struct {
	task      string
	start     time.Time
	compiling string // the program being compiled; "" when none
	size      int64
}

func newProgress(c *console, quiet bool, dir string) *progress {
	return &progress{c: c, quiet: quiet, dir: dir, now: time.Now, every: remindEvery}
}

// line writes a line of wasmtasks' own about a task; c.mu is held.
func (p *progress) line(task, format string, args ...any) {
	msg := fmt.Sprintf("wasmtasks: [%s] "+format+"\n", append([]any{task}, args...)...)
	p.c.write(p.c.stderr, []byte(msg))
}

// planned counts n more tasks that the Runner will finish, for the status
// line's "3 of 12 done".
func (p *progress) planned(n int) {
	p.c.mu.Lock()
	defer p.c.mu.Unlock()
	p.total += n
}

// finished counts a task as done, whatever became of it.
func (p *progress) finished() {
	p.c.mu.Lock()
	defer p.c.mu.Unlock()
	p.done++
}

// started reports that a task starts running its program.
func (p *progress) started(task string) {
	p.c.mu.Lock()
	defer p.c.mu.Unlock()
	p.running = append(p.running, &running{task: task, start: p.now()})
	switch {
	case p.quiet:
	case p.c.live == nil:
		p.line(task, "started")
	default:
		p.drawLocked()
		p.startTicking()
	}
}

// compiling reports that a task's program compiles; the returned func
// reports that the compile ended. It is the [runner.Cmd.OnCompile] of the
// task's run.
func (p *progress) compiling(task, program string, size int64) (done func()) {
	p.c.mu.Lock()
	defer p.c.mu.Unlock()
	name, start := p.name(program), p.now()
	r := p.find(task)
	if r != nil {
		r.compiling, r.size = name, size
	}
	ended := false // guarded by c.mu
	switch {
	case p.quiet:
	case p.c.live == nil:
		p.line(task, "compiling %s (%s)", name, bytesize.Format(size))
		p.remind(task, name, size, start, &ended)
	default:
		p.drawLocked()
	}
	return func() {
		p.c.mu.Lock()
		defer p.c.mu.Unlock()
		ended = true
		if r != nil {
			r.compiling = ""
		}
		if !p.quiet {
			p.line(task, "compiled %s in %s", name, roundTime(p.now().Sub(start)))
			p.drawLocked()
		}
	}
}

// remind prints, every p.every until *ended (guarded by c.mu), that
// the program still compiles.
func (p *progress) remind(task, name string, size int64, start time.Time, ended *bool) {
	var t *time.Timer
	t = time.AfterFunc(p.every, func() {
		p.c.mu.Lock()
		defer p.c.mu.Unlock()
		if *ended {
			return
		}
		p.line(task, "still compiling %s (%s), %s so far", name, bytesize.Format(size), wholeSeconds(p.now().Sub(start)))
		t.Reset(p.every)
	})
}

// ended reports a task that started, or failed before it could: a line
// with its time, and for a failure why.
func (p *progress) ended(res Result) {
	p.c.mu.Lock()
	defer p.c.mu.Unlock()
	for i, r := range p.running {
		if r.task == res.Task {
			p.running = append(p.running[:i], p.running[i+1:]...)
			break
		}
	}
	t := roundTime(res.Time)
	switch {
	case res.Status == Failed:
		p.line(res.Task, "failed in %s: %s", t, res.why())
	case p.quiet:
	case res.Status == Ran:
		p.line(res.Task, "ok in %s", t)
	case res.Status == Cached:
		p.line(res.Task, "cached (remote) in %s", t)
	case res.Status == Cancelled:
		p.line(res.Task, "stopped after %s", t)
	}
	p.drawLocked()
}

// redraw redraws the status line, with the times of now.
func (p *progress) redraw() {
	p.c.mu.Lock()
	defer p.c.mu.Unlock()
	p.drawLocked()
}

// drawLocked draws the status line on a terminal, or clears it when
// nothing runs.
func (p *progress) drawLocked() {
	if p.c.live == nil || p.quiet {
		return
	}
	if len(p.running) == 0 {
		p.c.live.clear()
		return
	}
	p.c.live.show(p.status())
}

// status is the text of the status line: "2 of 12 done, running: yosys 14s
// (compiling tools/yosys.wasm, 30.8 MiB), lint 2s".
func (p *progress) status() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d done, running: ", p.done, p.total)
	for i, r := range p.running {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", r.task, wholeSeconds(p.now().Sub(r.start)))
		if r.compiling != "" {
			fmt.Fprintf(&b, " (compiling %s, %s)", r.compiling, bytesize.Format(r.size))
		}
	}
	return b.String()
}

// startTicking redraws the status line every redrawEvery while a task
// runs; c.mu is held.
func (p *progress) startTicking() {
	if p.ticking {
		return
	}
	p.ticking = true
	go func() {
		t := time.NewTicker(redrawEvery)
		defer t.Stop()
		for range t.C {
			p.c.mu.Lock()
			if len(p.running) == 0 {
				p.ticking = false
				p.c.mu.Unlock()
				return
			}
			p.drawLocked()
			p.c.mu.Unlock()
		}
	}()
}

func (p *progress) find(task string) *running {
	for _, r := range p.running {
		if r.task == task {
			return r
		}
	}
	return nil
}

// name is a program's path relative to the project folder, or as it is
// when outside.
func (p *progress) name(program string) string {
	rel, err := filepath.Rel(p.dir, program)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return program
	}
	return rel
}

// wholeSeconds prints a running time for a person watching it count: 0s,
// 14s, 2m3s.
func wholeSeconds(d time.Duration) string {
	return d.Truncate(time.Second).String()
}
