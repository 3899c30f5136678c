package tasks

import (
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testcache"
	"github.com/wasmtasks/wasmtasks/runner"
)

// TestRemoteHitIsNotCompiledAhead proves that a cold machine whose task
// result the remote cache holds does not compile that task's program
// ahead of it (the plan has two programs, so the others are compiled
// ahead): without a team key its store ends with the code of the program
// that ran and nothing else. Before, a cold machine with every result
// cached still compiled Yosys (44 s) for a task it never ran.
func TestRemoteHitIsNotCompiledAhead(t *testing.T) {
	t.Setenv(envStoreKeyFile, "")
	srv := testcache.Start(t)
	yaml := strings.ReplaceAll(`
version: 1
remote_cache: CACHE
components:
  probe: {path: PROBE}
  core: {path: CORE}
tasks:
  hello: {component: core, args: [args, hi]}
  gen: {component: probe, args: [gen, /out, hello], deps: [hello], dirs: [{host: out, guest: /out}]}
`, "CACHE", srv.URL)
	if o := newMachine(t, yaml).run(t, Options{}, nil); o.status("gen") != Ran {
		t.Fatalf("first machine: %v\n%s", o.statuses(), o.stderr)
	}
	b := newMachine(t, yaml)
	if o := b.run(t, Options{}, nil); o.status("gen") != Cached || o.status("hello") != Ran {
		t.Fatalf("second machine: %v\n%s", o.statuses(), o.stderr)
	}
	st, err := runner.OpenStore(b.store, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.Entries != 1 {
		t.Fatalf("second machine's store: %v; want only the code of core, which ran", info)
	}
}
