package tasks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testcache"
	"github.com/wasmtasks/wasmtasks/runner"
)

// envStoreKeyFile is the store's team-key variable (runner/internal/store).
const envStoreKeyFile = "WASMTASKS_STORE_KEY_FILE"

// shareTeamKey names a team key file that every "machine" of the test
// shares, as a team's CI and developers would.
func shareTeamKey(t *testing.T) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "team.key")
	if err := os.WriteFile(path, []byte(strings.Repeat("5a", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(envStoreKeyFile, path)
}

// onMachine runs the task file yaml as a fresh machine would: a new copy
// of the project at a path of its own, a new engine on an empty store.
func onMachine(t *testing.T, yaml string, opts Options, names ...string) outcome {
	t.Helper()
	return newMachine(t, yaml).run(t, opts, nil, names...)
}

// codeSource says where the run's one program came from.
func (o outcome) codeSource(t *testing.T) runner.Source {
	t.Helper()
	if len(o.sum) != 1 {
		t.Fatalf("%d tasks, want 1", len(o.sum))
	}
	return o.sum[0].Source
}

func remoteYAML(cache string) string {
	return `
version: 1
remote_cache: ` + cache + `
components:
  probe: {path: PROBE}
tasks:
  hello: {component: probe, args: [args, hi]}
`
}

// TestRemoteCompiledCode proves a second machine with the team key runs
// the code the first compiled, from a real cache, without compiling: the
// summary says remote.
func TestRemoteCompiledCode(t *testing.T) {
	shareTeamKey(t)
	srv := testcache.Start(t)
	yaml := remoteYAML(srv.URL)
	if src := onMachine(t, yaml, Options{}).codeSource(t); src != runner.Compiled {
		t.Fatalf("first machine: %v, want compiled", src)
	}
	if puts := srv.Requests(t, "PUT"); len(puts) != 2 {
		t.Fatalf("uploads: %q; want the code's blob and its entry", puts)
	}
	o := onMachine(t, yaml, Options{Summary: SummaryFull})
	if src := o.codeSource(t); src != runner.Remote {
		t.Fatalf("second machine: %v, want remote\n%s", src, o.stderr)
	}
	if !strings.Contains(o.stdout, "hi") || strings.Contains(o.stderr, "WARN") || strings.Contains(o.stderr, "warning") {
		t.Fatalf("stdout %q, stderr %q", o.stdout, o.stderr)
	}
}

// TestRemoteCodeNeedsTeamKey proves that without a team key compiled code
// is neither fetched nor uploaded: the cache sees no request.
func TestRemoteCodeNeedsTeamKey(t *testing.T) {
	t.Setenv(envStoreKeyFile, "")
	srv := testcache.Start(t)
	yaml := remoteYAML(srv.URL)
	for range 2 {
		if src := onMachine(t, yaml, Options{}).codeSource(t); src != runner.Compiled {
			t.Fatalf("%v, want compiled", src)
		}
	}
	if log := srv.Log(t); len(log) != 0 {
		t.Fatalf("requests without a team key: %q", log)
	}
}

// TestRemoteCodeDamaged proves compiled code whose blob was changed on
// the server is refused, with a warning, and the program compiles.
func TestRemoteCodeDamaged(t *testing.T) {
	shareTeamKey(t)
	srv := testcache.Start(t)
	yaml := remoteYAML(srv.URL)
	onMachine(t, yaml, Options{})
	for _, e := range srv.Entries(t) {
		if !strings.HasPrefix(e, "cas/") {
			continue
		}
		b, err := os.ReadFile(srv.Path(e))
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)/2] ^= 1
		if err := os.WriteFile(srv.Path(e), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	o := onMachine(t, yaml, Options{})
	if src := o.codeSource(t); src != runner.Compiled || strings.Count(o.stderr, "remote cache") != 1 {
		t.Fatalf("%v, stderr %q; want compiled after one warning", src, o.stderr)
	}
}

// TestRemoteCacheReadOnly proves read_only: true never writes (the
// server's log has no PUT), that an option replaces the file's read_only,
// and that off turns the cache off.
func TestRemoteCacheReadOnly(t *testing.T) {
	shareTeamKey(t)
	srv := testcache.Start(t)
	yaml := remoteYAML("{url: " + srv.URL + ", read_only: true}")
	onMachine(t, yaml, Options{})
	if puts := srv.Requests(t, "PUT"); len(puts) != 0 || len(srv.Requests(t, "GET")) == 0 {
		t.Fatalf("read-only: PUTs %q, log %q; want GETs only", puts, srv.Log(t))
	}
	onMachine(t, yaml, Options{RemoteCache: RemoteCacheOff})
	if n := len(srv.Log(t)); n != 1 {
		t.Fatalf("remote cache off: %d requests, want the one before", n)
	}
	write := false
	onMachine(t, yaml, Options{RemoteCacheReadOnly: &write})
	if puts := srv.Requests(t, "PUT"); len(puts) != 2 {
		t.Fatalf("read_only replaced by false: PUTs %q, want 2", puts)
	}
}

// TestRemoteCacheDown proves a cache that is down costs one warning line
// and nothing else: the task compiles and runs.
func TestRemoteCacheDown(t *testing.T) {
	shareTeamKey(t)
	srv := testcache.Start(t)
	srv.Stop()
	o := onMachine(t, remoteYAML(srv.URL), Options{})
	if src := o.codeSource(t); src != runner.Compiled || o.status("hello") != Ran {
		t.Fatalf("%v, %v", src, o.status("hello"))
	}
	if n := strings.Count(o.stderr, "remote cache"); n != 1 {
		t.Fatalf("%d warnings in %q; want one", n, o.stderr)
	}
}
