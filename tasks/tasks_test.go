package tasks

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/golden"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
)

var (
	engineOnce sync.Once
	engine     *runner.Engine
)

// testEngine is one engine for the package's tests, as one process would
// have, with a store of its own.
func testEngine(t testing.TB) *runner.Engine {
	engineOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wasmtasks-tasks-test")
		if err != nil {
			t.Fatal(err)
		}
		engine, err = runner.NewEngine(runner.Options{StoreDir: dir})
		if err != nil {
			t.Fatal(err)
		}
	})
	return engine
}

// project writes a task file into a new folder (with an empty src folder)
// and loads it. In yaml,
// PROBE and CORE stand for the probe program as a component and a module.
func project(t *testing.T, yaml string) (*Project, string) {
	t.Helper()
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "src"), 0o755) // the folder the task files map
	writeProject(t, dir, yaml)
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return p, dir
}

// scratchProgram builds the program SCRATCH stands for (folders_test.go).
var scratchProgram func(t *testing.T) string

func writeProject(t *testing.T, dir, yaml string) {
	t.Helper()
	r := []string{"PROBE", testprog.Component(t, "probe"), "CORE", testprog.Module(t, "probe")}
	if strings.Contains(yaml, "SCRATCH") {
		r = append(r, "SCRATCH", scratchProgram(t))
	}
	yaml = strings.NewReplacer(r...).Replace(yaml)
	if err := os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
}

// taskErr returns the error of the named task in the outcome.
func (o outcome) taskErr(task string) error {
	for _, r := range o.sum {
		if r.Task == task {
			return r.Err
		}
	}
	return nil
}

// projectWith is project with folders made (relative to the project)
// before the task file is loaded.
func projectWith(t *testing.T, yaml string, dirs ...string) (*Project, string) {
	t.Helper()
	dir := t.TempDir()
	for _, d := range append(dirs, "src") {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeProject(t, dir, yaml)
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return p, dir
}

type outcome struct {
	sum            Summary
	err            error
	stdout, stderr string
}

func (o outcome) status(task string) Status {
	for _, r := range o.sum {
		if r.Task == task {
			return r.Status
		}
	}
	return -1
}

func (o outcome) statuses() map[string]Status {
	m := map[string]Status{}
	for _, r := range o.sum {
		m[r.Task] = r.Status
	}
	return m
}

// runTasks runs the project's tasks with opts and captures the output.
func runTasks(t *testing.T, p *Project, opts Options, names ...string) outcome {
	t.Helper()
	var out, errb bytes.Buffer
	opts.Stdout, opts.Stderr, opts.Engine = &out, &errb, testEngine(t)
	r, err := NewRunner(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sum, err := r.Run(context.Background(), names...)
	return outcome{sum, err, out.String(), errb.String()}
}

const diamond = `
version: 1
components:
  probe: {path: PROBE}
tasks:
  d: {component: probe, args: [interval, "30"], deps: [b, c]}
  b: {component: probe, args: [interval, "30"], deps: [a]}
  c: {component: probe, args: [interval, "30"], deps: [a]}
  a: {component: probe, args: [interval, "30"]}
`

// intervals parses the start and end times each task printed.
func intervals(t *testing.T, stdout string) map[string][2]int64 {
	t.Helper()
	m := map[string][2]int64{}
	re := regexp.MustCompile(`(?m)^\[(\w+)\] (start|end) (\d+)$`)
	for _, sm := range re.FindAllStringSubmatch(stdout, -1) {
		var v int64
		fmt.Sscan(sm[3], &v)
		iv := m[sm[1]]
		if sm[2] == "start" {
			iv[0] = v
		} else {
			iv[1] = v
		}
		m[sm[1]] = iv
	}
	return m
}

func TestDiamondRunsEachTaskOnceInOrder(t *testing.T) {
	p, _ := project(t, diamond)
	o := runTasks(t, p, Options{Jobs: 2}, "d")
	if o.err != nil {
		t.Fatalf("%v\n%s", o.err, o.stderr)
	}
	iv := intervals(t, o.stdout)
	for _, task := range []string{"a", "b", "c", "d"} {
		if n := strings.Count(o.stdout, "["+task+"] start"); n != 1 {
			t.Errorf("task %s started %d times", task, n)
		}
	}
	before := func(x, y string) {
		if iv[x][1] > iv[y][0] {
			t.Errorf("%s ended after %s started", x, y)
		}
	}
	before("a", "b")
	before("a", "c")
	before("b", "d")
	before("c", "d")
	var order []string
	for _, r := range o.sum {
		order = append(order, r.Task)
	}
	if got := strings.Join(order, " "); got != "a b c d" {
		t.Errorf("plan order %q, want dependencies first: a b c d", got)
	}
}

func TestParallelTasksOverlap(t *testing.T) {
	p, _ := project(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  x: {component: probe, args: [interval, "300"]}
  y: {component: probe, args: [interval, "300"]}
`)
	overlap := func(jobs int) bool {
		o := runTasks(t, p, Options{Jobs: jobs})
		if o.err != nil {
			t.Fatal(o.err)
		}
		iv := intervals(t, o.stdout)
		return iv["x"][0] < iv["y"][1] && iv["y"][0] < iv["x"][1]
	}
	if !overlap(2) {
		t.Errorf("with -j 2 the two tasks did not overlap")
	}
	if overlap(1) {
		t.Errorf("with -j 1 the two tasks overlapped")
	}
}

const failing = `
version: 1
components:
  probe: {path: PROBE}
tasks:
  bad: {component: probe, args: [fail, "something broke"], deps: [setup]}
  setup: {component: probe, args: [sleep, "100"]}
  spinner: {component: probe, args: [spin]}
  after-bad: {component: probe, args: [args], deps: [bad]}
  slow-ok: {component: probe, args: [sleep, "400"]}
`

func TestFailureCancelsRunningTasks(t *testing.T) {
	p, _ := project(t, failing)
	o := runTasks(t, p, Options{Jobs: 2}, "bad", "spinner", "after-bad")
	var fe *FailedError
	if !errors.As(o.err, &fe) || fe.ExitStatus() != 1 {
		t.Fatalf("got %v, want a FailedError", o.err)
	}
	want := map[string]Status{"setup": Ran, "bad": Failed, "spinner": Cancelled, "after-bad": DepFailed}
	for task, st := range want {
		if got := o.status(task); got != st {
			t.Errorf("%s: %v, want %v", task, got, st)
		}
	}
}

func TestKeepGoing(t *testing.T) {
	p, _ := project(t, failing)
	o := runTasks(t, p, Options{Jobs: 2, KeepGoing: true}, "bad", "slow-ok", "after-bad")
	want := map[string]Status{"setup": Ran, "bad": Failed, "slow-ok": Ran, "after-bad": DepFailed}
	for task, st := range want {
		if got := o.status(task); got != st {
			t.Errorf("%s: %v, want %v", task, got, st)
		}
	}
	if o.err == nil {
		t.Error("no error")
	}
}

func TestFailureReportRepeatsStderr(t *testing.T) {
	p, _ := project(t, failing)
	o := runTasks(t, p, Options{Jobs: 1}, "bad")
	var report bytes.Buffer
	o.sum.Print(&report)
	for _, want := range []string{"bad    failed (exit 1)", "--- bad failed: exit status 1", "last lines of its stderr:\n    something broke\n"} {
		if !strings.Contains(report.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, report.String())
		}
	}
}

const upToDate = `
version: 1
components:
  probe: {path: PROBE}
tasks:
  copy:
    component: probe
    args: [read, /src/in.txt]
    dirs: [{host: src, guest: /src, readonly: true}]
    stdout: {file: out/copy.txt}
    inputs: ["src/**/*.txt"]
    outputs: ["out/*.txt"]
`

func TestUpToDate(t *testing.T) {
	p, dir := project(t, upToDate)
	os.Mkdir(filepath.Join(dir, "src"), 0o755)
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("src/in.txt", "v1")
	expect := func(step string, p *Project, want Status) {
		t.Helper()
		o := runTasks(t, p, Options{})
		if o.err != nil {
			t.Fatalf("%s: %v\n%s", step, o.err, o.stderr)
		}
		if got := o.status("copy"); got != want {
			t.Errorf("%s: %v, want %v", step, got, want)
		}
	}
	expect("first run", p, Ran)
	expect("nothing changed", p, UpToDate)
	write("src/in.txt", "v2")
	expect("input changed", p, Ran)
	if b, _ := os.ReadFile(filepath.Join(dir, "out", "copy.txt")); string(b) != "v2" {
		t.Errorf("output %q, want v2", b)
	}
	expect("after the rerun", p, UpToDate)
	write("src/new.txt", "another input")
	expect("input added", p, Ran)
	write("out/copy.txt", "edited by hand")
	expect("output edited", p, Ran)
	os.Remove(filepath.Join(dir, "out", "copy.txt"))
	expect("output deleted", p, Ran)
	expect("settled", p, UpToDate)

	writeProject(t, dir, strings.Replace(upToDate, "args: [read, /src/in.txt]", "args: [read, /src/new.txt]", 1))
	p2, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	expect("argument changed", p2, Ran)
	expect("settled again", p2, UpToDate)
	o := runTasks(t, p2, Options{Force: true})
	if o.status("copy") != Ran {
		t.Errorf("--force: %v, want ran", o.status("copy"))
	}
}

func TestFailedTaskLeavesNoOutputFile(t *testing.T) {
	p, dir := project(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  half:
    component: probe
    args: [lines, "100000000", half]
    stdout: {file: out/half.txt}
    timeout: 100ms
  fails:
    component: probe
    args: [trap]
    stdout: {file: out/fails.txt}
`)
	runTasks(t, p, Options{KeepGoing: true})
	entries, _ := os.ReadDir(filepath.Join(dir, "out"))
	for _, e := range entries {
		t.Errorf("failed tasks left %s", e.Name())
	}
}

func TestDryRunRunsNothing(t *testing.T) {
	p, dir := project(t, upToDate)
	os.Mkdir(filepath.Join(dir, "src"), 0o755)
	os.WriteFile(filepath.Join(dir, "src", "in.txt"), []byte("x"), 0o644)
	r, err := NewRunner(p, Options{Engine: testEngine(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var out bytes.Buffer
	if err := r.DryRun(&out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("dry run created the output folder")
	}
	for _, want := range []string{"1. copy (would run)", "argv:    ", " read /src/in.txt", "dir:     src -> /src (read-only)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("plan lacks %q:\n%s", want, out.String())
		}
	}
}

func TestPrefixedLinesNeverMix(t *testing.T) {
	p, _ := project(t, `
version: 1
components:
  probe: {path: PROBE}
  core: {path: CORE}
tasks:
  x: {component: probe, args: [lines, "10000", x]}
  y: {component: core, args: [lines, "3000", y]}
`)
	o := runTasks(t, p, Options{Jobs: 2, Output: Prefixed})
	if o.err != nil {
		t.Fatal(o.err)
	}
	lines := strings.Split(strings.TrimSuffix(o.stdout, "\n"), "\n")
	re := regexp.MustCompile(`^\[(x|y)\] (x|y) line (\d+) of the output of (x|y)$`)
	counts := map[string]int{}
	for _, l := range lines {
		m := re.FindStringSubmatch(l)
		if m == nil || m[1] != m[2] || m[2] != m[4] {
			t.Fatalf("torn or mixed line: %q", l)
		}
		if fmt.Sprint(counts[m[1]]) != m[3] {
			t.Fatalf("task %s: line %s out of order (want %d)", m[1], m[3], counts[m[1]])
		}
		counts[m[1]]++
	}
	if counts["x"] != 10000 || counts["y"] != 3000 {
		t.Errorf("line counts %v", counts)
	}
}

func TestGroupedOutput(t *testing.T) {
	p, _ := project(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  x: {component: probe, args: [lines, "500", x]}
  y: {component: probe, args: [lines, "500", y]}
`)
	o := runTasks(t, p, Options{Jobs: 2, Output: Grouped})
	if o.err != nil {
		t.Fatal(o.err)
	}
	// Each task's lines form one block.
	blocks := regexp.MustCompile(`(?s)^(x line .*of x\n)+(y line .*of y\n)+$|^(y line .*of y\n)+(x line .*of x\n)+$`)
	if !blocks.MatchString(o.stdout) || strings.Count(o.stdout, "\n") != 1000 {
		t.Errorf("grouped output is not two whole blocks:\n%.300s", o.stdout)
	}
}

func TestUnknownTask(t *testing.T) {
	p, _ := project(t, diamond)
	r, _ := NewRunner(p, Options{Engine: testEngine(t)})
	defer r.Close()
	_, err := r.Run(context.Background(), "e")
	var ue *UsageError
	if !errors.As(err, &ue) {
		t.Errorf("got %v, want a UsageError", err)
	}
	golden.CheckError(t, filepath.Join("testdata", "golden", "errors", "unknown-task.txt"), err, p.File.Dir, "DIR")
}

func TestRunnerRunsEachTaskOncePerRunner(t *testing.T) {
	p, _ := project(t, diamond)
	var out bytes.Buffer
	r, _ := NewRunner(p, Options{Engine: testEngine(t), Stdout: &out, Stderr: &out})
	defer r.Close()
	for _, name := range []string{"b", "c", "d"} {
		if _, err := r.Run(context.Background(), name); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(out.String(), "[a] start "); n != 1 {
		t.Errorf("a ran %d times across three Run calls", n)
	}
}

// TestPinnedProgram pins a task's program: the right pin runs, and a
// program swapped under a pin fails the task even though its inputs did
// not change.
func TestPinnedProgram(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "src"), 0o755)
	prog := filepath.Join(dir, "prog.wasm")
	copyProgram := func(src string) string {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(prog+".tmp", b, 0o644)
		os.Rename(prog+".tmp", prog)
		sum := sha256.Sum256(b)
		return hex.EncodeToString(sum[:])
	}
	pin := copyProgram(testprog.Module(t, "probe"))
	os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(`version: 1
components:
  probe: {path: prog.wasm, sha256: `+pin+`}
tasks:
  t: {component: probe, args: [args], inputs: [src/**]}
`), 0o644)
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if o := runTasks(t, p, Options{}); o.status("t") != Ran {
		t.Fatalf("right pin: %v %v", o.status("t"), o.err)
	}
	digest := copyProgram(testprog.Component(t, "probe"))
	o := runTasks(t, p, Options{})
	if o.status("t") != Failed {
		t.Errorf("swapped program: %v %v", o.status("t"), o.sum[0].Err)
	}
	golden.CheckError(t, filepath.Join("testdata", "golden", "errors", "swapped-pinned-program.txt"), o.sum[0].Err, dir, "DIR", pin, "PIN", digest, "DIGEST")
}
