package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"
)

const wasmtimeVersion = "39.0.0"

type bench struct {
	cfg   config
	dir   string
	tools tools
	progs map[string]programs
	real  []realTool
	// values and rss are what the sections measured, by key, for the
	// goals table (see [bench.note]).
	values map[string]time.Duration
	rss    map[string]int64
}

// workload is one program measured under every peer. Its arguments use
// {in} and {out} for the input file and output folder; wasm runtimes see
// them as /in and /out, native programs and jco (which maps the host's /)
// get the host paths.
type workload struct {
	title, prog string
	args        []string
	io          bool
	runs        int
}

func (b *bench) workloads() []workload {
	return []workload{
		{title: "hello: start to exit of a program that prints one line, whole process", prog: "hello", runs: b.cfg.helloRuns},
		{title: fmt.Sprintf("cpu: SHA-256 of %d MiB generated in the guest, whole process", b.cfg.shaMiB), prog: "sha",
			args: []string{fmt.Sprint(b.cfg.shaMiB)}, runs: b.cfg.heavyRuns},
		{title: fmt.Sprintf("io: LZ77-compress a %d MiB file from a read-only folder into a read-write one, whole process", b.cfg.ioMiB), prog: "lz",
			args: []string{"{in}/input.dat", "{out}/input.lz"}, io: true, runs: b.cfg.heavyRuns},
	}
}

// row is one line of a table.
type row struct {
	runtime, program string
	cold, warm       stats
	vs               string
}

type stats []time.Duration

func (s stats) median() time.Duration {
	if len(s) == 0 {
		return 0
	}
	c := append(stats{}, s...)
	sort.Slice(c, func(i, j int) bool { return c[i] < c[j] })
	return c[len(c)/2]
}

func (s stats) span() string {
	if len(s) == 0 {
		return "-"
	}
	lo, hi := s[0], s[0]
	for _, d := range s {
		lo, hi = min(lo, d), max(hi, d)
	}
	return ms(lo) + "–" + ms(hi)
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < time.Millisecond:
		return fmt.Sprintf("%.0f µs", float64(d)/1e3)
	case d < 10*time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func ratio(a, b time.Duration) string {
	if a == 0 || b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f×", float64(a)/float64(b))
}

// peer is one way of running a program as a process: cmd builds the
// command line for a store folder ("" means none: cold).
type peer struct {
	runtime, program string
	cmd              func(store string) []string
	cached           bool // whether a store makes a warm run different
}

func (b *bench) peers(w workload) []peer {
	p := b.progs[w.prog]
	in, out := filepath.Join(b.dir, "in"), filepath.Join(b.dir, "out")
	guest := subst(w.args, "/in", "/out")
	host := subst(w.args, in, out)
	mapped := func(tool string, flags ...string) []string {
		args := []string{tool}
		args = append(args, flags...)
		if w.io {
			args = append(args, "--ro-dir", in+"::/in", "--dir", out+"::/out")
		}
		return args
	}
	wasmtasks := func(prog string) func(string) []string {
		return func(store string) []string {
			args := mapped(b.tools.wasmtasks, "exec", "--cache-dir", store)
			return append(append(args, prog), guest...)
		}
	}
	withCache := func(tool, prog string) func(string) []string {
		return func(store string) []string {
			args := mapped(tool, "-cache", store)
			if store == "" {
				args = mapped(tool)
			}
			return append(append(args, prog), guest...)
		}
	}
	native := func(prog string) func(string) []string {
		return func(string) []string { return append([]string{prog}, host...) }
	}
	return []peer{
		{"wasmtasks", "C component", wasmtasks(p.cComponent), true},
		{"wasmtasks", "C module", wasmtasks(p.cModule), true},
		{"wasmtime-go API (floor)", "C module", withCache(b.tools.wtgo, p.cModule), true},
		{"wazero (compiler)", "C module", withCache(b.tools.wz, p.cModule), true},
		{"jco run (node)", "C component", func(string) []string {
			return append([]string{b.tools.jco, "run", p.cComponent}, host...)
		}, false},
		{"native", "C", native(p.cNative), false},
		{"wasmtasks", "Go module", wasmtasks(p.goModule), true},
		{"wasmtime-go API (floor)", "Go module", withCache(b.tools.wtgo, p.goModule), true},
		{"wazero (compiler)", "Go module", withCache(b.tools.wz, p.goModule), true},
		{"native", "Go", native(p.goNative), false},
	}
}

func subst(args []string, in, out string) []string {
	r := strings.NewReplacer("{in}", in, "{out}", out)
	res := make([]string, len(args))
	for i, a := range args {
		res[i] = r.Replace(a)
	}
	return res
}

// run measures every peer on the workload, cold and warm, and returns the
// markdown table.
func (b *bench) run(w workload) (string, error) {
	if w.io {
		os.MkdirAll(filepath.Join(b.dir, "in"), 0o755)
		os.MkdirAll(filepath.Join(b.dir, "out"), 0o755)
		if err := makeInput(filepath.Join(b.dir, "in", "input.dat"), b.cfg.ioMiB<<20); err != nil {
			return "", err
		}
	}
	var rows []row
	for i, p := range b.peers(w) {
		r := row{runtime: p.runtime, program: p.program}
		warmStore := filepath.Join(b.dir, fmt.Sprintf("store-%s-%d", w.prog, i))
		for range w.runs {
			if !p.cached {
				break
			}
			cold, _ := os.MkdirTemp(b.dir, "cold")
			args := p.cmd(cold)
			if p.runtime == "wasmtime-go API (floor)" {
				args = p.cmd("")
			}
			d, err := timed(args)
			os.RemoveAll(cold)
			if err != nil {
				return "", err
			}
			r.cold = append(r.cold, d)
		}
		if _, err := timed(p.cmd(warmStore)); err != nil { // fills the store
			return "", err
		}
		for range w.runs {
			d, err := timed(p.cmd(warmStore))
			if err != nil {
				return "", err
			}
			r.warm = append(r.warm, d)
		}
		rows = append(rows, r)
		b.note("warm "+w.prog+"/"+p.runtime+"/"+p.program, r.warm.median())
	}
	return b.table(w.title, rows), nil
}

// table renders rows with each peer's warm median relative to wasmtasks
// running the same program, and wasmtasks relative to native.
func (b *bench) table(title string, rows []row) string {
	base := map[string]time.Duration{}
	for _, r := range rows {
		if r.runtime == "wasmtasks" {
			base[r.program] = r.warm.median()
		}
	}
	var s strings.Builder
	fmt.Fprintf(&s, "### %s\n\n| runtime | program | cold | warm | warm min–max | vs wasmtasks, warm |\n| --- | --- | --- | --- | --- | --- |\n", title)
	for _, r := range rows {
		vs := "1×"
		switch {
		case r.runtime == "native":
			lang := strings.Fields(r.program)[0]
			vs = "wasmtasks module is " + ratio(base[lang+" module"], r.warm.median()) + " native"
		case r.runtime != "wasmtasks":
			vs = ratio(r.warm.median(), base[r.program])
		}
		cold := ms(r.cold.median())
		if len(r.cold) == 0 {
			cold = "(no cache)"
		}
		fmt.Fprintf(&s, "| %s | %s | %s | %s | %s | %s |\n", r.runtime, r.program, cold, ms(r.warm.median()), r.warm.span(), vs)
	}
	return s.String()
}

// timed runs a command to completion and returns its wall time.
func timed(args []string) (time.Duration, error) {
	cmd := exec.Command(args[0], args[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return d, fmt.Errorf("%s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return d, nil
}

// sample is one finished run of a command.
type sample struct {
	wall time.Duration
	rss  int64 // peak resident memory, bytes
}

// measured runs a command to completion under the bench's RSS helper
// (see [rssFlag]) and returns its wall time, which includes the helper's
// start of a millisecond or two, and its peak memory; both are set even
// when the command failed.
func measured(args []string) (sample, error) {
	rssFile := filepath.Join(os.TempDir(), fmt.Sprintf("wasmtasks-bench-rss-%d", os.Getpid()))
	os.Remove(rssFile)
	defer os.Remove(rssFile)
	wrapped, err := underRSSHelper(rssFile, args)
	if err != nil {
		return sample{}, err
	}
	d, err := timed(wrapped)
	return sample{wall: d, rss: readRSS(rssFile)}, err
}

func wazeroVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/tetratelabs/wazero" {
				return d.Version
			}
		}
	}
	return "?"
}

func jcoVersion(root string) string {
	out, _ := exec.Command(filepath.Join(root, "node_modules", ".bin", "jco"), "--version").Output()
	return strings.TrimSpace(string(out))
}

func nodeVersion() string {
	out, _ := exec.Command("node", "--version").Output()
	return strings.TrimSpace(string(out))
}
