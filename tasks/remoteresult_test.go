package tasks

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/clilog"
	"github.com/wasmtasks/wasmtasks/internal/syncbuf"
	"github.com/wasmtasks/wasmtasks/internal/testcache"
	"github.com/wasmtasks/wasmtasks/remotecache"
	"github.com/wasmtasks/wasmtasks/runner"
)

// genYAML is a task that leaves out/sub/gen.txt and prints a line to
// stdout and one to stderr: a sandbox task, whose result is shared.
func genYAML(cache string) string { return genYAMLWait(cache, "1") }

// genYAMLWait is genYAML with gen after a task that sleeps ms.
func genYAMLWait(cache, ms string) string {
	return strings.ReplaceAll(`
version: 1
remote_cache: `+cache+`
components:
  probe: {path: PROBE}
tasks:
  wait: {component: probe, args: [sleep, "WAIT"]}
  gen:
    component: probe
    args: [gen, /out, hello]
    deps: [wait]
    dirs: [{host: out, guest: /out}, {host: src, guest: /src, readonly: true}]
`, "WAIT", ms)
}

// machine is a checkout of a project with a store of its own: what one
// developer's or CI runner's disk holds.
type machine struct {
	dir, store string
}

// newMachine writes yaml into a fresh project folder (each at a path of
// its own) with an empty store beside it.
func newMachine(t *testing.T, yaml string) machine {
	t.Helper()
	_, dir := project(t, yaml)
	return machine{dir: dir, store: t.TempDir()}
}

// run runs the named tasks on the machine with a new engine, as a new
// process would; stderr may be given to watch it while it runs.
func (m machine) run(t *testing.T, opts Options, stderr *syncbuf.Buffer, names ...string) outcome {
	t.Helper()
	p, err := Load(filepath.Join(m.dir, "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if stderr == nil {
		stderr = &syncbuf.Buffer{}
	}
	var out syncbuf.Buffer
	log := clilog.New(stderr, "wasmtasks")
	eng, err := runner.NewEngine(runner.Options{StoreDir: m.store, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	opts.Stdout, opts.Stderr, opts.Engine, opts.Logger = &out, stderr, eng, log
	r, err := NewRunner(p, opts)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := r.Run(context.Background(), names...)
	r.Close()
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr.String())
	}
	return outcome{sum, err, out.String(), stderr.String()}
}

func (m machine) read(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(m.dir, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRemoteTaskResult proves a second machine (a fresh store, a copy of
// the project at another path, the team key) gets the compiled code and
// the task's result from a real cache without compiling or running: the
// file is restored, the console output replayed, the summary says cached,
// and the next run finds the task up to date.
func TestRemoteTaskResult(t *testing.T) {
	shareTeamKey(t)
	srv := testcache.Start(t)
	a := newMachine(t, genYAML(srv.URL))
	o := a.run(t, Options{}, nil, "gen")
	if o.status("gen") != Ran || a.read(t, "out/sub/gen.txt") != "hello" {
		t.Fatalf("first machine: %v\n%s", o.statuses(), o.stderr)
	}
	b := newMachine(t, genYAML(srv.URL))
	o = b.run(t, Options{Summary: SummaryFull}, nil, "gen")
	if o.status("gen") != Cached {
		t.Fatalf("second machine: %v, want gen cached\n%s", o.statuses(), o.stderr)
	}
	if got := b.read(t, "out/sub/gen.txt"); got != "hello" {
		t.Fatalf("restored file: %q", got)
	}
	if !strings.Contains(o.stdout, "[gen] generated hello\n") || !strings.Contains(o.stderr, "[gen] note: wrote /out/sub/gen.txt\n") {
		t.Fatalf("console not replayed: stdout %q stderr %q", o.stdout, o.stderr)
	}
	for _, r := range o.sum {
		if r.Task == "gen" && r.Source != runner.SourceUnknown {
			t.Fatalf("gen's program was loaded (%v) though nothing ran", r.Source)
		}
	}
	if o := b.run(t, Options{}, nil, "gen"); o.status("gen") != UpToDate {
		t.Fatalf("after a restore: %v, want up to date", o.statuses())
	}
}

// TestRemoteTaskCorruptBlob proves a file whose blob was changed on the
// server is refused with one warning, and the task runs.
func TestRemoteTaskCorruptBlob(t *testing.T) {
	t.Setenv(envStoreKeyFile, "")
	srv := testcache.Start(t)
	newMachine(t, genYAML(srv.URL)).run(t, Options{}, nil, "gen")
	if err := os.WriteFile(srv.Path("cas/"+remotecache.DigestOf([]byte("hello")).Hash), []byte("HELLO"), 0o600); err != nil {
		t.Fatal(err)
	}
	b := newMachine(t, genYAML(srv.URL))
	o := b.run(t, Options{}, nil, "gen")
	if o.status("gen") != Ran || b.read(t, "out/sub/gen.txt") != "hello" || strings.Count(o.stderr, "remote cache") != 1 {
		t.Fatalf("%v, stderr %q; want gen run after one warning", o.statuses(), o.stderr)
	}
}

// TestRemoteTaskHostileEntry proves an entry that names a path the task
// could not write (climbing out of its folder, absolute, or its own
// state) is refused: nothing is written there and the task runs.
func TestRemoteTaskHostileEntry(t *testing.T) {
	t.Setenv(envStoreKeyFile, "")
	srv := testcache.Start(t)
	newMachine(t, genYAML(srv.URL)).run(t, Options{}, nil, "gen")
	var ac string
	for _, e := range srv.Entries(t) {
		if strings.HasPrefix(e, "ac/") {
			ac = e
		}
	}
	evil := []byte("evil")
	for _, path := range []string{"out/../escaped.txt", "/tmp/escaped.txt", ".wasmtasks/planted.txt", "src/planted.txt"} {
		entry := &remotecache.ActionResult{OutputFiles: []remotecache.OutputFile{{Path: path, Digest: remotecache.DigestOf(evil)}}}
		os.WriteFile(srv.Path(ac), entry.Marshal(), 0o600)
		os.WriteFile(srv.Path("cas/"+remotecache.DigestOf(evil).Hash), evil, 0o600)
		b := newMachine(t, genYAML(srv.URL))
		o := b.run(t, Options{}, nil, "gen")
		if o.status("gen") != Ran || strings.Count(o.stderr, "remote cache") != 1 {
			t.Errorf("%s: %v, stderr %q; want the entry refused and gen run", path, o.statuses(), o.stderr)
		}
		if _, err := os.Stat(filepath.Join(b.dir, path)); err == nil {
			t.Errorf("%s was written", path)
		}
	}
	if _, err := os.Stat("/tmp/escaped.txt"); err == nil {
		t.Error("/tmp/escaped.txt was written")
	}
}

// TestRemoteTaskReadOnly proves a read-only machine that runs a task
// itself never writes its result (no PUT in the server's log).
func TestRemoteTaskReadOnly(t *testing.T) {
	t.Setenv(envStoreKeyFile, "")
	srv := testcache.Start(t)
	m := newMachine(t, genYAML("{url: "+srv.URL+", read_only: true}"))
	if o := m.run(t, Options{}, nil, "gen"); o.status("gen") != Ran {
		t.Fatal(o.statuses())
	}
	if puts := srv.Requests(t, "PUT"); len(puts) != 0 || len(srv.Requests(t, "GET")) == 0 {
		t.Fatalf("PUTs %q; log %q", puts, srv.Log(t))
	}
}

// TestRemoteTaskNotShared proves tasks whose fingerprint does not cover
// what they see are never uploaded: one with declared inputs, one that
// only prints (always runs), and one with run: always.
func TestRemoteTaskNotShared(t *testing.T) {
	t.Setenv(envStoreKeyFile, "")
	srv := testcache.Start(t)
	m := newMachine(t, `
version: 1
remote_cache: `+srv.URL+`
components:
  probe: {path: PROBE}
tasks:
  declared: {component: probe, args: [gen, /out, a], inputs: ["src/**"], dirs: [{host: out, guest: /out}]}
  console: {component: probe, args: [args, hi]}
  always: {component: probe, args: [gen, /out2, b], run: always, dirs: [{host: out2, guest: /out2}]}
  outer: {component: probe, args: [gen, /w, a], dirs: [{host: shared, guest: /w}]}
  inner: {component: probe, args: [gen, /w, b], dirs: [{host: shared/sub, guest: /w}]}
`)
	m.run(t, Options{}, nil)
	if log := srv.Log(t); len(log) != 0 {
		t.Fatalf("requests for tasks that are not shared: %q", log)
	}
}

// TestRemoteTaskServerStopped proves a cache stopped while a run is under
// way costs one warning: the tasks after it run locally and succeed.
func TestRemoteTaskServerStopped(t *testing.T) {
	t.Setenv(envStoreKeyFile, "")
	srv := testcache.Start(t)
	// gen looks the cache up after wait, which sleeps long enough for the
	// server to be stopped while it runs.
	m := newMachine(t, genYAMLWait(srv.URL, "2000"))
	var stderr syncbuf.Buffer
	go func() {
		for !strings.Contains(stderr.String(), "[wait] started") {
			time.Sleep(time.Millisecond)
		}
		srv.Stop()
	}()
	o := m.run(t, Options{}, &stderr, "gen")
	if o.status("gen") != Ran || m.read(t, "out/sub/gen.txt") != "hello" || strings.Count(o.stderr, "remote cache") != 1 {
		t.Fatalf("%v; stderr %q", o.statuses(), o.stderr)
	}
}

// TestRemoteTaskLeftovers proves the action key covers what the task's
// read-write folders held before it ran: a machine with other files there
// (which the task could read) runs the task instead of taking the result.
func TestRemoteTaskLeftovers(t *testing.T) {
	t.Setenv(envStoreKeyFile, "")
	srv := testcache.Start(t)
	newMachine(t, genYAML(srv.URL)).run(t, Options{}, nil, "gen")
	b := newMachine(t, genYAML(srv.URL))
	os.MkdirAll(filepath.Join(b.dir, "out"), 0o755)
	os.WriteFile(filepath.Join(b.dir, "out", "old.txt"), []byte("from an earlier build"), 0o644)
	if o := b.run(t, Options{}, nil, "gen"); o.status("gen") != Ran {
		t.Fatalf("with leftovers: %v, want gen run", o.statuses())
	}
}
