// Command bench measures wasmtasks next to the runtimes a Go team would
// otherwise pick, on the same workloads, in one run on one machine, and
// writes the tables into docs/BENCHMARKS.md. Run it with `go tool mage
// bench` from the repository root.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

func main() {
	quick := flag.Bool("quick", false, "small workloads and few runs: a smoke test of the harness")
	write := flag.Bool("write", true, "write the tables into ../docs/BENCHMARKS.md")
	flag.Parse()
	if err := benchmark(*quick, *write); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// config is the size of a run.
type config struct {
	helloRuns, heavyRuns, inProcess, many int
	shaMiB, ioMiB                         int
}

func benchmark(quick, write bool) error {
	cfg := config{helloRuns: 15, heavyRuns: 3, inProcess: 300, many: 100, shaMiB: 256, ioMiB: 64}
	if quick {
		cfg = config{helloRuns: 3, heavyRuns: 1, inProcess: 20, many: 10, shaMiB: 8, ioMiB: 4}
	}
	root, err := filepath.Abs("..")
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "wasmtasks-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	log("building guests and peers in %s", dir)
	progs, tl, err := build(root, dir)
	if err != nil {
		return err
	}
	b := &bench{cfg: cfg, dir: dir, tools: tl, progs: progs}
	var doc bytes.Buffer
	fmt.Fprintf(&doc, "Measured by `go tool mage bench` on %s: %d CPUs, %s/%s, %s, wasmtime %s (wasmtasks and wasmtime-go v39.0.1), wazero %s, jco %s, Node.js %s.\n",
		time.Now().UTC().Format("2006-01-02"), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(),
		wasmtimeVersion, wazeroVersion(), jcoVersion(root), nodeVersion())
	fmt.Fprintf(&doc, "Each cell is the median of the runs, with min–max; ratios compare medians measured in this run.\n")
	for _, w := range b.workloads() {
		log("workload %s", w.title)
		table, err := b.run(w)
		if err != nil {
			return fmt.Errorf("%s: %w", w.title, err)
		}
		doc.WriteString("\n" + table)
	}
	log("per task in one process")
	table, err := b.inProcess()
	if err != nil {
		return err
	}
	doc.WriteString("\n" + table)
	log("many tasks")
	table, err = b.manyTasks()
	if err != nil {
		return err
	}
	doc.WriteString("\n" + table)
	fmt.Print(doc.String())
	if write && !quick {
		return writeDoc(filepath.Join(root, "docs", "BENCHMARKS.md"), doc.String())
	}
	return nil
}

func log(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

const beginMark, endMark = "<!-- bench:begin -->", "<!-- bench:end -->"

// writeDoc replaces the text between the bench markers of the file.
func writeDoc(path, text string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(b)
	i, j := strings.Index(s, beginMark), strings.Index(s, endMark)
	if i < 0 || j < i {
		return fmt.Errorf("%s lacks the %s and %s markers", path, beginMark, endMark)
	}
	s = s[:i+len(beginMark)] + "\n" + text + s[j:]
	return os.WriteFile(path, []byte(s), 0o644)
}
