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
	"slices"
	"strings"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == rssFlag {
		rssMain(os.Args[2:])
		return
	}
	quick := flag.Bool("quick", false, "small workloads and few runs: a smoke test of the harness")
	write := flag.Bool("write", true, "write the tables into ../docs/BENCHMARKS.md")
	only := flag.String("only", "", "run only these sections, comma-separated: "+strings.Join(sectionNames, ","))
	flag.Parse()
	if err := benchmark(*quick, *write && *only == "", *only); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// config is the size of a run.
type config struct {
	helloRuns, heavyRuns, inProcess, many int
	shaMiB, ioMiB                         int
	// Real tools: cold and warm runs of each job, cold runs of the
	// three-tool project, compiles and job runs per compile choice, and
	// the tools choices are measured on.
	realCold, realWarm, realProject int
	choiceCompiles, choiceRuns      int
	choiceTools                     []string
}

func benchmark(quick, write bool, only string) error {
	for _, name := range strings.Split(only, ",") {
		if only != "" && !slices.Contains(sectionNames, name) {
			return fmt.Errorf("-only: no section %q; the sections are %s", name, strings.Join(sectionNames, ","))
		}
	}
	cfg := config{helloRuns: 15, heavyRuns: 3, inProcess: 300, many: 100, shaMiB: 256, ioMiB: 64,
		realCold: 1, realWarm: 3, realProject: 2, choiceCompiles: 1, choiceRuns: 3, choiceTools: []string{"Yosys", "yq"}}
	if quick {
		cfg = config{helloRuns: 3, heavyRuns: 1, inProcess: 20, many: 10, shaMiB: 8, ioMiB: 4,
			realCold: 1, realWarm: 1, realProject: 1, choiceCompiles: 1, choiceRuns: 1, choiceTools: []string{"gofumpt"}}
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
	b := &bench{cfg: cfg, dir: dir, tools: tl, progs: progs, values: map[string]time.Duration{}, rss: map[string]int64{}}
	if b.real, err = installRealTools(dir); err != nil {
		return err
	}
	var doc bytes.Buffer
	start := time.Now()
	fmt.Fprintf(&doc, "Measured by `go tool mage bench` on %s: %d CPUs, %s/%s, %s, wasmtime %s (wasmtasks and wasmtime-go v39.0.1), wazero %s, jco %s, Node.js %s; real tools: %s.\n",
		time.Now().UTC().Format("2006-01-02"), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(),
		wasmtimeVersion, wazeroVersion(), jcoVersion(root), nodeVersion(), b.realVersions())
	fmt.Fprintf(&doc, "Each cell is the median of the runs, with min–max; ratios compare medians measured in this run.\n")
	for _, sec := range b.sections(root, quick) {
		if only != "" && !slices.Contains(strings.Split(only, ","), sec.name) {
			continue
		}
		log("section %s", sec.name)
		t0 := time.Now()
		table, err := sec.run()
		if err != nil {
			return fmt.Errorf("%s: %w", sec.name, err)
		}
		log("section %s took %s", sec.name, time.Since(t0).Round(time.Second))
		fmt.Fprintln(os.Stderr, table)
		doc.WriteString("\n" + table)
	}
	doc.WriteString("\n" + b.goalsTable())
	fmt.Fprintf(&doc, "\nThe whole run took %s.\n", time.Since(start).Round(time.Second))
	fmt.Print(doc.String())
	if write && !quick {
		return writeDoc(filepath.Join(root, "docs", "BENCHMARKS.md"), doc.String())
	}
	return nil
}

// section is one part of the run, producing one or more tables.
type section struct {
	name string
	run  func() (string, error)
}

var sectionNames = []string{"peers", "inprocess", "many", "real", "project", "choices", "scale"}

// sections lists the parts of a run in order (as sectionNames names
// them): the cold project reuses the real tools' single cold runs, and
// the goals table at the end reads what all of them noted.
func (b *bench) sections(root string, quick bool) []section {
	return []section{
		{"peers", b.peerTables},
		{"inprocess", b.inProcess},
		{"many", b.manyTasks},
		{"real", b.realTools},
		{"project", b.coldProject},
		{"choices", b.compileChoices},
		{"scale", func() (string, error) { return b.scale(root, quick) }},
	}
}

// peerTables measures every workload under every peer.
func (b *bench) peerTables() (string, error) {
	var doc strings.Builder
	for i, w := range b.workloads() {
		log("workload %s", w.title)
		table, err := b.run(w)
		if err != nil {
			return "", fmt.Errorf("%s: %w", w.title, err)
		}
		if i > 0 {
			doc.WriteString("\n")
		}
		doc.WriteString(table)
	}
	return doc.String(), nil
}

// realVersions names the real tools and their versions.
func (b *bench) realVersions() string {
	var names []string
	for _, t := range b.real {
		names = append(names, t.name+" "+t.version)
	}
	return strings.Join(names, ", ")
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
