package tasks

import (
	"github.com/wasmtasks/wasmtasks/internal/syncbuf"

	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
)

const progressTasks = `version: 1
components:
  probe: {path: PROBE}
tasks:
  first: {component: probe, args: [lines, "2", hi]}
  second: {component: probe, args: [fail, "broken on purpose"], deps: [first]}
  third: {component: probe, args: [lines, "1", never], deps: [second]}
  cached:
    component: probe
    args: [lines, "1", cached]
    stdout: {file: cached.txt}
    inputs: [wasmtasks.yaml]
    outputs: [cached.txt]
`

var (
	timeText = regexp.MustCompile(`\b[0-9.]+(ms|s)\b|<1ms|\b[0-9]+m[0-9]+s\b`)
	sizeText = regexp.MustCompile(`\b[0-9.]+ (KiB|MiB|B)\b`)
)

// progressRun runs the project's tasks on a fresh engine without a store,
// so that the program is compiled, one job at a time, and returns
// everything written to stdout and stderr (one stream) with the times, the
// program's path and its size replaced.
func progressRun(t *testing.T, p *Project, opts Options, names ...string) (string, Summary) {
	t.Helper()
	eng, err := runner.NewEngine(runner.Options{NoStore: true})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	var out bytes.Buffer
	opts.Jobs, opts.Stdout, opts.Stderr, opts.Engine = 1, &out, &out, eng
	r, err := NewRunner(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sum, _ := r.Run(context.Background(), names...)
	r.PrintSummary(sum)
	text := strings.ReplaceAll(out.String(), testprog.Component(t, "probe"), "PROBE")
	text = sizeText.ReplaceAllString(timeText.ReplaceAllString(text, "T"), "SIZE")
	return text, sum
}

// TestProgressLines runs real tasks with their output going to a pipe, not
// a terminal: a line when each task starts and ends, with its time, and
// when its program compiles, with its size; nothing for a task that is up
// to date or did not run.
func TestProgressLines(t *testing.T) {
	p, _ := project(t, progressTasks)
	first, _ := progressRun(t, p, Options{}, "cached")
	checkGolden(t, "progress-first.txt", []byte(first))
	out, _ := progressRun(t, p, Options{}, "cached", "third")
	checkGolden(t, "progress.txt", []byte(out))
}

// TestProgressQuiet: --quiet shows the tasks' output, a line for each
// failure and the summary's failures, nothing else.
func TestProgressQuiet(t *testing.T) {
	p, _ := project(t, progressTasks)
	out, _ := progressRun(t, p, Options{Quiet: true}, "third")
	checkGolden(t, "progress-quiet.txt", []byte(out))
}

// fakeTerm is a terminal that records what was written to it.
type fakeTerm struct{ bytes.Buffer }

// TestLiveLine drives the status line of a terminal through a task's life
// and checks the exact bytes the terminal gets: the line drawn at the
// bottom, cleared before any output, redrawn only at the start of a line,
// cut to the terminal's width, and gone when nothing runs.
func TestLiveLine(t *testing.T) {
	term := &fakeTerm{}
	c := &console{stdout: term, stderr: term, mode: Prefixed}
	c.live = &liveLine{term: term, stdout: term, stdoutToo: true, width: func() int { return 60 }}
	p := newProgress(c, false, "/project")
	p.now = func() time.Time { return time.Unix(100, 0) }
	p.planned(3)

	p.started("gen")
	mark := func() { term.WriteString("|") } // where each step ends
	mark()
	done := p.compiling("gen", "/project/tools/yosys.wasm", 30<<20)
	p.now = func() time.Time { return time.Unix(105, 0) }
	p.redraw()
	mark()
	o, _, finish := c.taskStreams("gen")
	o.Write([]byte("line one\n"))
	mark()
	c.mu.Lock()
	c.write(c.stdout, []byte("no newline yet")) // as interleaved output can
	c.mu.Unlock()
	p.redraw() // must not draw over the partial line
	mark()
	c.mu.Lock()
	c.write(c.stdout, []byte("\n"))
	c.mu.Unlock()
	p.redraw()
	mark()
	done()
	finish()
	p.ended(Result{Task: "gen", Status: Ran, Time: 5 * time.Second})
	mark()

	want := strings.Join([]string{
		"\r0 of 3 done, running: gen 0s\x1b[K",
		"\r0 of 3 done, running: gen 0s (compiling tools/yosys.wasm, …\x1b[K" +
			"\r0 of 3 done, running: gen 5s (compiling tools/yosys.wasm, …\x1b[K",
		"\r\x1b[K[gen] line one\n",
		"no newline yet",
		"\n\r0 of 3 done, running: gen 5s (compiling tools/yosys.wasm, …\x1b[K",
		"\r\x1b[Kwasmtasks: [gen] compiled tools/yosys.wasm in 5s\n\r0 of 3 done, running: gen 5s\x1b[K" +
			"\r\x1b[Kwasmtasks: [gen] ok in 5s\n",
		"",
	}, "|")
	if got := term.String(); got != want {
		t.Errorf("the terminal got\n%q\nwant\n%q", got, want)
	}
}

// TestCompileReminder: without a terminal, a long compile says every so
// often that it is still going, and how long so far; never after it ended.
func TestCompileReminder(t *testing.T) {
	var out syncbuf.Buffer
	c := &console{stdout: &out, stderr: &out, mode: Prefixed}
	p := newProgress(c, false, "/project")
	p.every = time.Millisecond
	start, calls := time.Unix(100, 0), 0
	p.now = func() time.Time { // called with c.mu held
		if calls++; calls <= 2 { // started and compiling
			return start
		}
		return start.Add(12 * time.Second)
	}
	p.started("gen")
	done := p.compiling("gen", "/project/tools/yosys.wasm", 30<<20+800<<10)
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "so far") && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	done()
	n := strings.Count(out.String(), "so far")
	time.Sleep(20 * time.Millisecond)
	text := out.String()
	if strings.Count(text, "so far") != n {
		t.Errorf("a reminder came after the compile ended:\n%s", text)
	}
	first, _, _ := strings.Cut(text, "\nwasmtasks: [gen] compiled")
	lines := strings.Split(first, "\n")
	want := []string{
		"wasmtasks: [gen] started",
		"wasmtasks: [gen] compiling tools/yosys.wasm (30.8 MiB)",
		"wasmtasks: [gen] still compiling tools/yosys.wasm (30.8 MiB), 12s so far",
	}
	if len(lines) < 3 || strings.Join(lines[:3], "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant the lines\n%s", text, strings.Join(want, "\n"))
	}
}
