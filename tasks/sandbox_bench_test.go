package tasks

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// BenchmarkUpToDateDecision times the up-to-date decision of a task that
// mounts the repository's root read-only (node_modules included once
// `go tool mage deps` ran) and declares no inputs, on an unchanged tree
// with the index warm, as one `wasmtasks run` makes it: state file read,
// every entry stat'ed, digests from the index. Its peer, measured in the
// same run, is a bare walk that only stats every entry of the same tree:
// the least any check by file identity costs.
//
//	go test ./tasks -run '^$' -bench UpToDateDecision
func BenchmarkUpToDateDecision(b *testing.B) {
	repo, err := filepath.Abs("..")
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	yaml := fmt.Sprintf("version: 1\ncomponents:\n  probe: {path: %s}\ntasks:\n  look: {component: probe, args: [args], dirs: [{host: %s, guest: /repo, readonly: true}], run: when_changed}\n",
		testprog.Component(b, "probe"), repo)
	if err := os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(yaml), 0o644); err != nil {
		b.Fatal(err)
	}
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	newRunner := func() *Runner {
		r, err := NewRunner(p, Options{Engine: testEngine(b), Stdout: io.Discard, Stderr: io.Discard})
		if err != nil {
			b.Fatal(err)
		}
		return r
	}
	r := newRunner()
	if _, err := r.Run(b.Context()); err != nil { // records the run, fills the index
		b.Fatal(err)
	}
	r.Close()
	entries := 0
	var decide, walk, load time.Duration
	for b.Loop() {
		start := time.Now()
		r := newRunner()
		c, err := r.checkUpToDate(p.spec(p.File.Tasks[0]))
		decide += time.Since(start)
		r.Close()
		if err != nil || !c.upToDate {
			b.Fatalf("not up to date: %v", err)
		}
		start = time.Now()
		r.state.file.load()
		load += time.Since(start)
		start = time.Now()
		entries = statTree(b, repo)
		walk += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(decide.Seconds()*1000/n, "ms/decision")
	b.ReportMetric(walk.Seconds()*1000/n, "ms/bare-walk")
	b.ReportMetric(load.Seconds()*1000/n, "ms/state-read")
	b.ReportMetric(decide.Seconds()/walk.Seconds(), "decision/walk")
	b.ReportMetric(float64(entries), "entries")
}

// statTree stats every entry under root without following symlinks and
// returns how many there are.
func statTree(b *testing.B, root string) int {
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if _, err := d.Info(); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}
