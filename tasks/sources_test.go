package tasks

import (
	"github.com/wasmtasks/wasmtasks/internal/golden"

	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/internal/testregistry"
	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/source"
)

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// serveBytes serves b at every path on loopback and counts the requests.
func serveBytes(t *testing.T, b []byte) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

// sourcesProject writes yaml (after replacing each key of subst by its
// value) into dir and loads it.
func sourcesProject(t *testing.T, dir, yaml string, subst ...string) *Project {
	t.Helper()
	yaml = strings.NewReplacer(subst...).Replace(yaml)
	writeProject(t, dir, yaml)
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// runWith runs every task with a fetcher on its own folder.
func runWith(t *testing.T, p *Project, fetchDir string) outcome {
	t.Helper()
	return runTasks(t, p, Options{Jobs: 1, Sources: &source.Fetcher{Dir: fetchDir}})
}

const urlYAML = `
version: 1
components:
  tool: {url: URL/probe.wasm, sha256: SUM}
  marker: {path: PROBE, dirs: [{host: src, guest: /src}]}
tasks:
  greet: {component: tool, args: [args, hello]}
  mark: {component: marker, args: [write, /src/ran, x]}
`

// TestURLSourceRunsLocksAndWorksOffline runs a program served by a
// loopback server through a task: the first run writes the lock; with the
// server stopped a new process finds the program in the store; a lock
// whose pin differs stops the run before anything runs, with exit status
// 2 and the command that updates the pin.
func TestURLSourceRunsLocksAndWorksOffline(t *testing.T) {
	prog := readFile(t, testprog.Module(t, "probe"))
	srv, requests := serveBytes(t, prog)
	dir, fetchDir := t.TempDir(), t.TempDir()
	os.Mkdir(filepath.Join(dir, "src"), 0o755)
	p := sourcesProject(t, dir, urlYAML, "URL", srv.URL, "SUM", hexSum(prog))
	o := runWith(t, p, fetchDir)
	if o.err != nil || !strings.Contains(o.stdout, "hello") {
		t.Fatalf("first run: %v\n%s\n%s", o.err, o.stdout, o.stderr)
	}
	lock, err := source.ReadLock(filepath.Join(dir, source.LockName))
	if err != nil {
		t.Fatalf("the first run wrote no lock: %v", err)
	}
	pin := lock.Components["tool"]
	if pin.Source != "url" || pin.SHA256 != hexSum(prog) || len(lock.Components) != 1 {
		t.Fatalf("lock %+v", lock.Components)
	}

	srv.Close()
	before := requests.Load()
	o = runWith(t, sourcesProject(t, dir, urlYAML, "URL", srv.URL, "SUM", hexSum(prog)), fetchDir)
	if o.err != nil || !strings.Contains(o.stdout, "hello") || requests.Load() != before {
		t.Fatalf("offline run: %v (requests %d → %d)\n%s", o.err, before, requests.Load(), o.stderr)
	}

	os.Remove(filepath.Join(dir, "src", "ran"))
	other := strings.Repeat("ab", 32)
	pin.Resolved, pin.SHA256 = "sha256:"+other, other
	lock.Components["tool"] = pin
	if err := lock.Write(filepath.Join(dir, source.LockName)); err != nil {
		t.Fatal(err)
	}
	o = runWith(t, sourcesProject(t, dir, urlYAML, "URL", srv.URL, "SUM", hexSum(prog)), fetchDir)
	checkRefused(t, o, "tool", "lock-mismatch", dir, "DIR", srv.URL, "URL", other, "OTHER", hexSum(prog), "PROGRAM")
	var mm *source.MismatchError
	if !errors.As(o.err, &mm) {
		t.Errorf("error %v does not match *source.MismatchError", o.err)
	}
	if _, err := os.Stat(filepath.Join(dir, "src", "ran")); err == nil {
		t.Error("a task ran although the lock did not match")
	}
}

// checkRefused checks that a run stopped before anything ran, with exit
// status 2 and a message that holds each of want.
// checkRefused checks that the run was refused before any task started,
// for component, with exit status 2, and compares the whole message with
// the golden file name (pairs replace what changes between runs).
func checkRefused(t *testing.T, o outcome, component, name string, pairs ...string) {
	t.Helper()
	if o.err == nil {
		t.Fatalf("ran: %v", o.statuses())
	}
	var st interface{ ExitStatus() int }
	if !errors.As(o.err, &st) || st.ExitStatus() != 2 {
		t.Errorf("error %v: want exit status 2", o.err)
	}
	if len(o.sum) != 0 {
		t.Errorf("tasks started: %v", o.statuses())
	}
	var ce *ComponentError
	if !errors.As(o.err, &ce) || ce.Component != component {
		t.Errorf("error %v: want a *ComponentError for %s", o.err, component)
	}
	golden.CheckError(t, filepath.Join("testdata", "golden", "refused", name+".txt"), o.err, pairs...)
}

func tarGz(t *testing.T, files map[string][]byte) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range files {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write(body)
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// TestArchiveProgramAndFolder runs the program inside a .tar.gz that a
// loopback server serves, with a folder of the same archive mounted: the
// program reads it, and cannot write into it.
func TestArchiveProgramAndFolder(t *testing.T) {
	ar := tarGz(t, map[string][]byte{
		"package/bin/probe.wasm":     readFile(t, testprog.Module(t, "probe")),
		"package/share/data.txt":     []byte("data beside the program\n"),
		"package/share/sub/more.txt": []byte("more\n"),
	})
	srv, _ := serveBytes(t, ar)
	dir := t.TempDir()
	p := sourcesProject(t, dir, `
version: 1
components:
  tool:
    url: URL/tool.tgz
    sha256: SUM
    file: package/bin/probe.wasm
    dirs: [{archive: tool, path: package/share, guest: /share, readonly: true}]
tasks:
  read: {component: tool, args: [read, /share/data.txt]}
  write: {component: tool, args: [write, /share/planted, x]}
`, "URL", srv.URL, "SUM", hexSum(ar))
	o := runTasks(t, p, Options{Jobs: 1, KeepGoing: true, Sources: &source.Fetcher{Dir: t.TempDir()}})
	if o.status("read") != Ran || !strings.Contains(o.stdout, "data beside the program") {
		t.Fatalf("read: %v %v\n%s\n%s", o.status("read"), o.taskErr("read"), o.stdout, o.stderr)
	}
	if o.status("write") != Failed {
		t.Errorf("write into the archive folder: %v, want failed", o.status("write"))
	}
}

const goYAML = `
version: 1
components:
  hello: {go: ./hello}
tasks:
  hello: {component: hello, inputs: [in.txt]}
`

// TestGoLocalSourceRerunsWhenItsSourceChanges builds a main package of a
// module beside the task file and runs it; the task is up to date on the
// next run, and runs again, with the new program, after the package's
// source changed. A package of the project is not pinned in the lock.
func TestGoLocalSourceRerunsWhenItsSourceChanges(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.test/proj\n\ngo 1.22\n")
	write("in.txt", "x")
	main := "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"MSG\") }\n"
	write("hello/main.go", strings.Replace(main, "MSG", "first build", 1))
	fetchDir := t.TempDir()
	run := func() outcome {
		o := runWith(t, sourcesProject(t, dir, goYAML), fetchDir)
		if o.err != nil {
			t.Fatalf("%v\n%s", o.err, o.stderr)
		}
		return o
	}
	if o := run(); o.status("hello") != Ran || !strings.Contains(o.stdout, "first build") {
		t.Fatalf("first run: %v\n%s", o.status("hello"), o.stdout)
	}
	if o := run(); o.status("hello") != UpToDate {
		t.Fatalf("second run: %v, want up to date", o.status("hello"))
	}
	write("hello/main.go", strings.Replace(main, "MSG", "second build", 1))
	if o := run(); o.status("hello") != Ran || !strings.Contains(o.stdout, "second build") {
		t.Fatalf("after the edit: %v\n%s", o.status("hello"), o.stdout)
	}
	if lock, err := source.ReadLock(filepath.Join(dir, source.LockName)); err == nil && len(lock.Components) > 0 {
		t.Errorf("a package of the project was pinned: %+v", lock.Components)
	}
}

// TestOCISourceRunsOffline pushes the probe program to a real registry on
// loopback as a wasm artifact, runs it through a task, and runs it again
// in a new project with the registry stopped.
func TestOCISourceRunsOffline(t *testing.T) {
	reg := testregistry.Start(t)
	prog := readFile(t, testprog.Module(t, "probe"))
	reg.PushWasm(t, "org/probe:1.0", prog)
	dir, fetchDir := t.TempDir(), t.TempDir()
	const yaml = `
version: 1
components:
  tool: {oci: REF}
tasks:
  greet: {component: tool, args: [args, from-oci]}
`
	ref := reg.Host + "/org/probe:1.0"
	o := runWith(t, sourcesProject(t, dir, yaml, "REF", ref), fetchDir)
	if o.err != nil || !strings.Contains(o.stdout, "from-oci") {
		t.Fatalf("%v\n%s\n%s", o.err, o.stdout, o.stderr)
	}
	lock, err := source.ReadLock(filepath.Join(dir, source.LockName))
	if err != nil || lock.Components["tool"].SHA256 != hexSum(prog) {
		t.Fatalf("lock %+v, %v", lock, err)
	}
	reg.Stop()
	o = runWith(t, sourcesProject(t, dir, yaml, "REF", ref), fetchDir)
	if o.err != nil || !strings.Contains(o.stdout, "from-oci") {
		t.Fatalf("offline: %v\n%s", o.err, o.stderr)
	}
}

// TestWrongPathPinRefused gives a path: program a sha256: that is not its
// digest (issue 13, bug 3): the run stops before anything runs, also when
// the task was up to date with the right pin.
func TestWrongPathPinRefused(t *testing.T) {
	prog := testprog.Module(t, "probe")
	good := hexSum(readFile(t, prog))
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "src"), 0o755)
	os.WriteFile(filepath.Join(dir, "in.txt"), []byte("x"), 0o644)
	const yaml = `
version: 1
components:
  tool: {path: CORE, sha256: SUM}
  marker: {path: PROBE, dirs: [{host: src, guest: /src}]}
tasks:
  check: {component: tool, args: [args], inputs: [in.txt]}
  mark: {component: marker, args: [write, /src/ran, x]}
`
	o := runTasks(t, sourcesProject(t, dir, yaml, "SUM", good), Options{Jobs: 1}, "check")
	if o.err != nil {
		t.Fatalf("right pin: %v", o.err)
	}
	wrong := strings.Repeat("0", 64)
	o = runTasks(t, sourcesProject(t, dir, yaml, "SUM", wrong), Options{Jobs: 1})
	checkRefused(t, o, "tool", "wrong-path-pin", dir, "DIR", good, "GOOD", wrong, "WRONG")
	if !errors.Is(o.err, ErrPin) {
		t.Errorf("error %v does not match ErrPin", o.err)
	}
	if _, err := os.Stat(filepath.Join(dir, "src", "ran")); err == nil {
		t.Error("a task ran although a pin did not match")
	}
}

// BenchmarkWarmStart runs one task whose program comes from a path: and
// one whose program is a go: package of the project, each in a new
// Project and Runner per iteration (as a new process would load them) on
// a warm store: resolving the go: program must cost no go process, no
// network and no rehash, so the two take the same time.
//
//	go test ./tasks -run '^$' -bench WarmStart -benchtime 200x
func BenchmarkWarmStart(b *testing.B) {
	dir := b.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.test/proj\n\ngo 1.22\n"), 0o644)
	os.Mkdir(filepath.Join(dir, "hello"), 0o755)
	os.WriteFile(filepath.Join(dir, "hello", "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644)
	fetchDir := b.TempDir()
	eng, err := runner.NewEngine(runner.Options{StoreDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	f := &source.Fetcher{Dir: fetchDir}
	path, _, err := f.Fetch(b.Context(), source.Spec{Go: "./hello", Dir: dir}, nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := eng.Load(path); err != nil { // the store is warm
		b.Fatal(err)
	}
	for _, c := range []struct{ name, comp string }{
		{"path", "{path: " + path + "}"},
		{"go", "{go: ./hello}"},
	} {
		os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte("version: 1\ncomponents:\n  p: "+c.comp+"\ntasks:\n  t: {component: p}\n"), 0o644)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
				if err != nil {
					b.Fatal(err)
				}
				r, err := NewRunner(p, Options{Jobs: 1, Engine: eng, Sources: &source.Fetcher{Dir: fetchDir}, Stdout: io.Discard, Stderr: io.Discard})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := r.Run(b.Context()); err != nil {
					b.Fatal(err)
				}
				r.Close()
			}
		})
	}
}
