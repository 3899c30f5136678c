package tasks

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testcache"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/source"
)

// coldGraph is a task graph of three programs, the largest gofumpt (a Go
// module of about 5 MB, go: from the module proxy, as in the project's own
// task file), a Go hello world and the C probe as a component.
const coldGraph = `
version: 1
remote_cache: CACHE
components:
  gofumpt: {go: mvdan.cc/gofumpt@v0.12.0, dirs: [{host: src, guest: /src, readonly: true}]}
  hello: {path: HELLO}
  probe: {path: PROBE}
tasks:
  fmt: {component: gofumpt, args: [-l, /src], deps: [hello]}
  hello: {component: hello}
  probe: {component: probe, args: [args, done], deps: [fmt, hello]}
`

// BenchmarkColdMachine measures a run of coldGraph on a machine whose
// store of compiled code is empty, as a fresh CI runner or a new
// developer's, with the team's remote cache already warm (the programs
// come from the cache) and without one (every program compiles). The
// programs' sources are obtained once, outside the measurement.
//
//	go test ./tasks -run '^$' -bench ColdMachine -benchtime 5x
func BenchmarkColdMachine(b *testing.B) {
	key := filepath.Join(b.TempDir(), "team.key")
	os.WriteFile(key, []byte(strings.Repeat("7e", 32)), 0o600)
	b.Setenv(envStoreKeyFile, key)
	srv := testcache.Start(b)
	dir := b.TempDir()
	os.Mkdir(filepath.Join(dir, "src"), 0o755)
	os.WriteFile(filepath.Join(dir, "src", "a.go"), []byte("package a\n\nfunc A() {}\n"), 0o644)
	yaml := strings.NewReplacer("CACHE", srv.URL, "HELLO", testprog.GoModule(b, "hellogo"), "PROBE", testprog.Component(b, "probe")).Replace(coldGraph)
	if err := os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(yaml), 0o644); err != nil {
		b.Fatal(err)
	}
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	sources, err := NewFetcher(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	coldRun(b, p, sources, "") // obtains gofumpt and fills the cache
	for _, c := range []struct{ name, cache string }{{"no-remote", RemoteCacheOff}, {"warm-remote", ""}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				store := b.TempDir()
				b.StartTimer()
				coldRun(b, p, sources, c.cache, store)
			}
		})
	}
}

// coldRun runs every task of p on an engine with an empty store (store,
// or a new one) and fails unless each succeeded.
func coldRun(b *testing.B, p *Project, sources *source.Fetcher, cache string, store ...string) {
	dir := b.TempDir()
	if len(store) > 0 {
		dir = store[0]
	}
	eng, err := runner.NewEngine(runner.Options{StoreDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	var out bytes.Buffer
	r, err := NewRunner(p, Options{Engine: eng, Sources: sources, RemoteCache: cache, Stdout: &out, Stderr: &out, Quiet: true})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Run(context.Background()); err != nil {
		b.Fatalf("%v\n%s", err, out.String())
	}
}
