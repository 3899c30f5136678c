package tasks

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/wasmtasks/wasmtasks/internal/safefs"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func readIn(t *testing.T, dir, name string) string {
	t.Helper()
	return string(readFile(t, filepath.Join(dir, filepath.FromSlash(name))))
}

// TestSandboxTaskRerunsOnWhatItCanSee runs a task that declares no inputs:
// a preprocessor that reads src/main.c and the header it includes, and
// writes out/main.i. It is up to date while nothing it can see changed, and
// runs again when any file under its folders changes (the header that an
// author would have forgotten to declare, a new file), and when its output
// is deleted, edited or joined by a stray file by hand.
func TestSandboxTaskRerunsOnWhatItCanSee(t *testing.T) {
	p, dir := project(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  cc:
    component: probe
    args: [include, /src/main.c, /out/main.i]
    dirs: [{host: src, guest: /src, readonly: true}, {host: out, guest: /out}]
`)
	writeFile(t, dir, "src/main.c", "#include \"util.h\"\nint main;\n")
	writeFile(t, dir, "src/util.h", "int util;\n")
	expectStatus(t, p, "first run", "cc", Ran)
	if got := readIn(t, dir, "out/main.i"); got != "int util;\nint main;\n" {
		t.Fatalf("out/main.i = %q", got)
	}
	expectStatus(t, p, "nothing changed", "cc", UpToDate)

	writeFile(t, dir, "src/util.h", "int util2;\n")
	expectStatus(t, p, "undeclared header edited", "cc", Ran)
	if got := readIn(t, dir, "out/main.i"); got != "int util2;\nint main;\n" {
		t.Fatalf("out/main.i = %q", got)
	}
	expectStatus(t, p, "after the header", "cc", UpToDate)
	writeFile(t, dir, "src/sub/new.txt", "x")
	expectStatus(t, p, "a new file in a subfolder", "cc", Ran)
	expectStatus(t, p, "after the new file", "cc", UpToDate)

	os.Remove(filepath.Join(dir, "out", "main.i"))
	expectStatus(t, p, "output deleted by hand", "cc", Ran)
	writeFile(t, dir, "out/main.i", "edited")
	expectStatus(t, p, "output edited by hand", "cc", Ran)
	if got := readIn(t, dir, "out/main.i"); got != "int util2;\nint main;\n" {
		t.Fatalf("out/main.i = %q, want it made again", got)
	}
	os.Chmod(filepath.Join(dir, "out", "main.i"), 0o755)
	expectStatus(t, p, "output made executable by hand", "cc", Ran)
	writeFile(t, dir, "out/stray.txt", "x")
	expectStatus(t, p, "a stray file in the read-write folder", "cc", Ran)
	expectStatus(t, p, "settled", "cc", UpToDate)
}

// TestConsoleTaskRunsEveryTime: a task whose only effect is the console
// runs every time, unless it says run: when_changed; a task that leaves
// files behind is skipped, unless it says run: always; a task reading the
// terminal cannot be fingerprinted and runs every time.
func TestConsoleTaskRunsEveryTime(t *testing.T) {
	p, dir := project(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  check: {component: probe, args: [read, /src/a.txt], dirs: [{host: src, guest: /src, readonly: true}]}
  quiet: {component: probe, args: [read, /src/a.txt], dirs: [{host: src, guest: /src, readonly: true}], run: when_changed}
  terminal: {component: probe, args: [read, /src/a.txt], dirs: [{host: src, guest: /src, readonly: true}], run: when_changed, stdin: inherit}
  forced: {component: probe, args: [write, /out/x, y], dirs: [{host: out, guest: /out}], run: always}
  writer: {component: probe, args: [write, /out/y, y], dirs: [{host: out2, guest: /out}]}
`)
	writeFile(t, dir, "src/a.txt", "v1")
	want := map[string]Status{"check": Ran, "quiet": Ran, "terminal": Ran, "forced": Ran, "writer": Ran}
	o := runTasks(t, p, Options{})
	checkStatuses(t, "first run", o, want)
	want["quiet"], want["writer"] = UpToDate, UpToDate
	checkStatuses(t, "second run", runTasks(t, p, Options{}), want)
	writeFile(t, dir, "src/a.txt", "v2")
	want["quiet"] = Ran
	checkStatuses(t, "input changed", runTasks(t, p, Options{}), want)
}

func checkStatuses(t *testing.T, step string, o outcome, want map[string]Status) {
	t.Helper()
	for task, w := range want {
		if got := o.status(task); got != w {
			t.Errorf("%s: %s %v, want %v\nerr: %v\n%s", step, task, got, w, o.err, o.stderr)
		}
	}
}

// TestSandboxChain: a task whose read-write folder is another task's
// read-only one; a task that mounts the whole project read-only (with
// the state folder, its own output file and its own read-write folder
// under it) and is still found up to date.
func TestSandboxChain(t *testing.T) {
	p, dir := project(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  gen:
    component: probe
    args: [include, /src/gen.h.in, /gen/gen.h]
    dirs: [{host: src, guest: /src, readonly: true}, {host: gen, guest: /gen}]
  use:
    component: probe
    args: [include, /gen/gen.h, /out/use.txt]
    dirs: [{host: gen, guest: /gen, readonly: true}, {host: out, guest: /out}]
    deps: [gen]
  all:
    component: probe
    args: [read, /p/out/use.txt]
    dirs: [{host: ., guest: /p, readonly: true}, {host: report, guest: /report}]
    stdout: {file: all.txt}
    deps: [use]
`)
	writeFile(t, dir, "src/gen.h.in", "v1\n")
	want := map[string]Status{"gen": Ran, "use": Ran, "all": Ran}
	checkStatuses(t, "first run", runTasks(t, p, Options{}), want)
	for task := range want {
		want[task] = UpToDate
	}
	checkStatuses(t, "nothing changed", runTasks(t, p, Options{}), want)
	writeFile(t, dir, "src/gen.h.in", "v2\n")
	for task := range want {
		want[task] = Ran
	}
	checkStatuses(t, "the first input changed", runTasks(t, p, Options{}), want)
	if got := readIn(t, dir, "all.txt"); got != "v2\n" {
		t.Errorf("all.txt = %q", got)
	}
	writeFile(t, dir, "gen/gen.h", "v2\n") // rewritten, same content
	for task := range want {
		want[task] = UpToDate
	}
	// A new identity, the same content: content decides.
	checkStatuses(t, "gen/gen.h rewritten by hand with its content", runTasks(t, p, Options{}), want)
}

// TestSandboxFolderInsideReadWriteFolder: a read-only folder mounted inside
// a read-write one can be written through the latter; what the task
// writes there is its output, not an input that changed while it ran.
func TestSandboxFolderInsideReadWriteFolder(t *testing.T) {
	p, _ := projectWith(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  t:
    component: probe
    args: [write, /work/lib/x, y]
    dirs: [{host: work/lib, guest: /lib, readonly: true}, {host: work, guest: /work}]
`, "work/lib")
	expectStatus(t, p, "first run", "t", Ran)
	expectStatus(t, p, "second run", "t", UpToDate)
}

// TestBigMountReadOnce mounts a folder of 10,000 files into two tasks: the
// first run reads each file once, the index keeps one entry per file for
// both tasks, and the second decision reads no file content at all.
func TestBigMountReadOnce(t *testing.T) {
	p, dir := project(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  a: {component: probe, args: [read, /big/d0/f0], dirs: [{host: big, guest: /big, readonly: true}], run: when_changed}
  b: {component: probe, args: [read, /big/d1/f1], dirs: [{host: big, guest: /big, readonly: true}], run: when_changed}
`)
	const n, each = 10_000, 16
	for i := range n {
		writeFile(t, dir, fmt.Sprintf("big/d%d/f%d", i%100, i), fmt.Sprintf("%16d", i)[:each])
	}
	// Stamps younger than the window are not trusted; let these age.
	time.Sleep(racyWindow + 100*time.Millisecond)
	before := hashedBytes.Load()
	checkStatuses(t, "first run", runTasks(t, p, Options{}), map[string]Status{"a": Ran, "b": Ran})
	if got := hashedBytes.Load() - before; got < n*each || got >= 2*n*each {
		t.Errorf("first run hashed %d bytes, want each file once (%d)", got, n*each)
	}
	st := stateFile{dir: filepath.Join(dir, stateDir), guard: safefs.NewGuard(dir)}.load()
	if got := len(st.Files); got != n {
		t.Errorf("the index has %d entries, want one per file (%d)", got, n)
	}
	before = hashedBytes.Load()
	checkStatuses(t, "second run", runTasks(t, p, Options{}), map[string]Status{"a": UpToDate, "b": UpToDate})
	if got := hashedBytes.Load() - before; got != 0 {
		t.Errorf("the second decision hashed %d bytes, want 0", got)
	}
	writeFile(t, dir, "big/d7/f7", "changed")
	before = hashedBytes.Load()
	checkStatuses(t, "one file changed", runTasks(t, p, Options{}), map[string]Status{"a": Ran, "b": Ran})
	if got := hashedBytes.Load() - before; got > 4*int64(len("changed")) {
		t.Errorf("one changed file made the checks hash %d bytes", got)
	}
}

// TestDryRunShowsCheckKinds: --dry-run says how each task is found up to
// date, and which are, after a run.
func TestDryRunShowsCheckKinds(t *testing.T) {
	p, dir := project(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  gen: {component: probe, args: [write, /out/x, y], dirs: [{host: out, guest: /out}]}
  check: {component: probe, args: [read, /out/x], dirs: [{host: out, guest: /out, readonly: true}], inputs: [out/x], deps: [gen]}
  show: {component: probe, args: [read, /out/x], dirs: [{host: out, guest: /out, readonly: true}], deps: [gen]}
  lint: {component: probe, args: [read, /out/x], dirs: [{host: out, guest: /out, readonly: true}], run: when_changed, deps: [gen]}
`)
	var out bytes.Buffer
	dryRun := func() {
		r, err := NewRunner(p, Options{Engine: testEngine(t)})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if err := r.DryRun(&out); err != nil {
			t.Fatal(err)
		}
	}
	dryRun()
	checkStatuses(t, "run", runTasks(t, p, Options{}), map[string]Status{"gen": Ran, "check": Ran, "show": Ran, "lint": Ran})
	out.WriteString("\nafter a run:\n")
	dryRun()
	prog := testprog.Component(t, "probe")
	got := strings.NewReplacer(prog, "PROBE", filepath.Base(prog), "probe.wasm", dir, "DIR").Replace(out.String())
	checkGolden(t, "dry-run-kinds.txt", []byte(got))
}

// TestFingerprintSameInTwoCheckouts: two copies of one project at
// different paths give every task the same fingerprint, so that results
// can be shared between them.
func TestFingerprintSameInTwoCheckouts(t *testing.T) {
	const yaml = `
version: 1
components:
  probe: {path: PROBE, dirs: [{host: src, guest: /src, readonly: true}]}
tasks:
  sandbox: {component: probe, args: [write, /out/x, y], dirs: [{host: out, guest: /out}], stdout: {file: log/out.txt}, stdin: {file: src/in.txt}}
  declared: {component: probe, args: [read, /src/in.txt], inputs: ["src/**"], outputs: [log/d.txt], stdout: {file: log/d.txt}}
`
	fingerprints := func() map[string]string {
		p, dir := project(t, yaml)
		writeFile(t, dir, "src/in.txt", "in")
		r, err := NewRunner(p, Options{Engine: testEngine(t)})
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if err := r.DryRun(io.Discard); err != nil { // resolves the programs
			t.Fatal(err)
		}
		fps := map[string]string{}
		for _, task := range p.File.Tasks {
			c, err := r.checkUpToDate(p.spec(task))
			if err != nil || c.fingerprint == "" {
				t.Fatalf("%s: fingerprint %q, %v", task.Name, c.fingerprint, err)
			}
			fps[task.Name] = c.fingerprint
		}
		return fps
	}
	a, b := fingerprints(), fingerprints()
	for task := range a {
		if a[task] != b[task] {
			t.Errorf("%s: fingerprints differ between checkouts", task)
		}
	}
}

// TestSandboxOutputsListed: what a run left behind is listed file by file
// (project-relative path, SHA-256, executable bit, link text), as a cache
// of results needs to restore it.
func TestSandboxOutputsListed(t *testing.T) {
	p, dir := project(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  t: {component: probe, args: [write, /out/sub/x, y], dirs: [{host: out, guest: /out}], stdout: {file: log.txt}}
`)
	writeFile(t, dir, "out/tool", "#!")
	os.Mkdir(filepath.Join(dir, "out", "sub"), 0o755)
	os.Chmod(filepath.Join(dir, "out", "tool"), 0o755)
	os.Symlink("sub/x", filepath.Join(dir, "out", "link"))
	expectStatus(t, p, "run", "t", Ran)
	r, err := NewRunner(p, Options{Engine: testEngine(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	s := p.spec(p.File.Tasks[0])
	_, got, err := r.outputsOf(s, s.upToDateKind(), newDigester(dir, noIndex{}))
	if err != nil {
		t.Fatal(err)
	}
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	want := []outputFile{
		{Path: "out/link", Link: "sub/x"},
		{Path: "out/sub/x", SHA256: sum("y")},
		{Path: "out/tool", SHA256: sum("#!"), Exec: true},
		{Path: "log.txt", SHA256: sum("")},
	}
	if !slices.Equal(got, want) {
		t.Errorf("outputs\n%+v\nwant\n%+v", got, want)
	}
}

// TestSandboxStdinChangedDuringRun: a task that rewrites the file it reads
// as stdin ran on content that is gone; its run is not recorded, and the
// next run, whose stdin stays put, is.
func TestSandboxStdinChangedDuringRun(t *testing.T) {
	p, dir := project(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  t:
    component: probe
    args: [write, /src/in.txt, x]
    dirs: [{host: src, guest: /src}]
    stdin: {file: src/in.txt}
`)
	writeFile(t, dir, "src/in.txt", "v1")
	o := expectStatus(t, p, "first run", "t", Ran)
	// The console line, not the error's text (internal/codecheck).
	if !strings.Contains(o.stdout+o.stderr, "[t] could not record the run for up-to-date checks: inputs changed while the task ran") {
		t.Errorf("no warning that the inputs changed:\n%s", o.stderr)
	}
	expectStatus(t, p, "stdin stable during the run", "t", Ran)
	expectStatus(t, p, "settled", "t", UpToDate)
}
