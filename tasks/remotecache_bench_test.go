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
// module of about 5.8 MB, go: from the module proxy, as in the project's
// own task file), a Go hello world and the C probe as a component. fmt and
// gen leave files (their results are shared), hello only prints (it runs
// every time, on compiled code from the cache).
const coldGraph = `
version: 1
remote_cache: CACHE
components:
  gofumpt: {go: mvdan.cc/gofumpt@v0.12.0, dirs: [{host: src, guest: /src}]}
  hello: {path: HELLO}
  probe: {path: PROBE}
tasks:
  fmt: {component: gofumpt, args: [-w, /src], deps: [hello]}
  hello: {component: hello}
  gen: {component: probe, args: [gen, /out, done], deps: [fmt, hello], dirs: [{host: out, guest: /out}]}
`

// BenchmarkColdMachine measures a run of coldGraph on a cold machine: a
// fresh checkout and an empty store of compiled code, as a new CI runner
// or a new developer has, with the team's remote cache already warm
// (compiled code and task results come from it) and without one (every
// program compiles, every task runs). The programs' sources are obtained
// once, outside the measurement.
//
//	go test ./tasks -run '^$' -bench 'ColdMachine$' -benchtime 5x
func BenchmarkColdMachine(b *testing.B) {
	key := filepath.Join(b.TempDir(), "team.key")
	os.WriteFile(key, []byte(strings.Repeat("7e", 32)), 0o600)
	b.Setenv(envStoreKeyFile, key)
	srv := testcache.Start(b)
	yaml := strings.NewReplacer("CACHE", srv.URL, "HELLO", testprog.GoModule(b, "hellogo"), "PROBE", testprog.Component(b, "probe")).Replace(coldGraph)
	sources, err := NewFetcher(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	coldRun(b, checkout(b, yaml), sources, "") // obtains gofumpt and fills the cache
	for _, c := range []struct{ name, cache string }{{"no-remote", RemoteCacheOff}, {"warm-remote", ""}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				p := checkout(b, yaml)
				b.StartTimer()
				coldRun(b, p, sources, c.cache)
			}
		})
	}
}

// checkout writes the project into a new folder: a fresh checkout.
func checkout(b *testing.B, yaml string) *Project {
	dir := b.TempDir()
	os.Mkdir(filepath.Join(dir, "src"), 0o755)
	os.WriteFile(filepath.Join(dir, "src", "a.go"), []byte("package a\n\nfunc  A() {}\n"), 0o644)
	return load(b, dir, yaml)
}

// load writes the task file into dir and loads the project.
func load(b *testing.B, dir, yaml string) *Project {
	if err := os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(yaml), 0o644); err != nil {
		b.Fatal(err)
	}
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// coldRun runs every task of p on an engine with an empty store and fails
// unless each succeeded.
func coldRun(b *testing.B, p *Project, sources *source.Fetcher, cache string) Summary {
	eng, err := runner.NewEngine(runner.Options{StoreDir: b.TempDir()})
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
	sum, err := r.Run(context.Background())
	if err != nil {
		b.Fatalf("%v\n%s", err, out.String())
	}
	b.ReportMetric(float64(count(sum, Cached)), "cached-tasks/op")
	return sum
}

func count(sum Summary, st Status) int {
	n := 0
	for _, r := range sum {
		if r.Status == st {
			n++
		}
	}
	return n
}
