package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// goal is one target of issue 15: a ratio of two values measured in this
// run, and the limit it must stay under (or reach, when atLeast).
type goal struct {
	what        string
	value, base time.Duration
	limit       float64
	atLeast     bool
	// show renders the two values; the default prints both as times.
	show func(value, base time.Duration) string
	// why says, for a goal this run did not meet, what takes the time and
	// what would close the gap (docs/BENCHMARKS.md has the profiles).
	why string
}

func (g goal) row() string {
	if g.value == 0 || g.base == 0 {
		return fmt.Sprintf("| %s | not measured in this run | - | - | |\n", g.what)
	}
	r := float64(g.value) / float64(g.base)
	met := r <= g.limit
	if g.atLeast {
		met = r >= g.limit
	}
	verdict, why := "unmet", g.why
	if met {
		verdict, why = "**met**", ""
	}
	show := g.show
	if show == nil {
		show = func(v, b time.Duration) string { return ms(v) + " vs " + ms(b) }
	}
	return fmt.Sprintf("| %s | %s | %.2f× | %s | %s |\n", g.what, show(g.value, g.base), r, verdict, why)
}

const floorName, wazeroName = "wasmtime-go API (floor)", "wazero (compiler)"

// goalsTable renders the goals of issue 15 from the values this run noted.
func (b *bench) goalsTable() string {
	warm := func(prog, runtime, program string) time.Duration {
		return b.got("warm " + prog + "/" + runtime + "/" + program)
	}
	inproc := func(runtime, program string) time.Duration { return b.got("inprocess/" + runtime + "/" + program) }
	bytesAsTimes := func(v, base time.Duration) string { return mb(int64(v)) + " vs " + mb(int64(base)) }
	floorVsWazero := float64(warm("hello", wazeroName, "Go module")) / float64(max(warm("hello", floorName, "Go module"), 1))
	goals := []goal{
		{what: "warm start, Go hello module, whole process, ≤ 1.2× the floor", value: warm("hello", "wasmtasks", "Go module"), base: warm("hello", floorName, "Go module"), limit: 1.2,
			why: "Within noise of the goal (1.01–1.19× in interleaved runs); what is over the floor is the C hello's start-up cost, next row."},
		{what: "warm start, C hello module, whole process, ≤ 1.2× the floor", value: warm("hello", "wasmtasks", "C module"), base: warm("hello", floorName, "C module"), limit: 1.2,
			why: "Over the floor: the Go runtime starting a 35 MB binary (the floor's is 26 MB) and package inits (yaml, net/http tables; ~0.6 ms), the pooling engine (~0.3 ms), handing the run to its goroutine and the epoch ticker (~0.25 ms), the store's integrity checks (~0.15 ms, kept). Closing it: a smaller `exec` binary, or making the engine while the process starts (\"Warm start of the C hello module, round 3\")."},
		{what: "per task in one process, output writer set, C module, ≤ 1.2× the floor", value: inproc("wasmtasks", "C module"), base: inproc(floorName, "C module"), limit: 1.2},
		{what: "per task in one process, C module, ≤ 100 µs (moonshot)", value: inproc("wasmtasks", "C module"), base: 100 * time.Microsecond, limit: 1},
		{what: "warm Go hello ≥ 9× faster than wazero (wazero / wasmtasks)", value: warm("hello", wazeroName, "Go module"), base: warm("hello", "wasmtasks", "Go module"), limit: 9, atLeast: true,
			why: fmt.Sprintf("Out of reach above the floor: the wasmtime-go API itself starts this module only %.1f× faster than wazero here, so 9× would need a start faster than wasmtime's own; the time is wasmtime instantiating and running the 2.6 MB Go runtime's start-up.", floorVsWazero)},
		{what: "CPU-bound Go module (SHA-256) = the floor (≤ 1.15×, the noise here)", value: warm("sha", "wasmtasks", "Go module"), base: warm("sha", floorName, "Go module"), limit: 1.15,
			why: "The same generated code as the floor (perf); a gap here is load on the shared machine (see \"The CPU gap\")."},
		{what: "cold project of three real tools ≤ 1.2× its slowest single cold run (sum: " + ms(b.got("project sum")) + ")", value: b.got("project cold"), base: b.got("project slowest"), limit: 1.2,
			why: "On 2 CPUs one compile already keeps both busy (Cranelift compiles functions in parallel), so the floor is the CPU of all three compiles, about the sum; the compiles do overlap (compile-ahead, capped by memory). Bounded by the slowest compile needs more CPUs than one compile uses."},
		{what: "peak RSS of compiling Yosys ≤ 1 GiB, the per-compile memory the compile cap assumes", value: time.Duration(b.gotRSS("real cold Yosys")), base: 1 << 30, limit: 1, show: bytesAsTimes,
			why: "Compile memory grows with the module (~30–36 bytes per byte of wasm); each compile now reserves 36× its module's size from the memory budget instead of assuming 1 GiB."},
	}
	for _, g := range b.scaleGoals() {
		goals = append(goals, g)
	}
	var s strings.Builder
	fmt.Fprintf(&s, "### goals of issue 15 (from this run)\n\n| goal | measured | ratio | | where the time goes, if unmet |\n| --- | --- | --- | --- | --- |\n")
	for _, g := range goals {
		s.WriteString(g.row())
	}
	return s.String()
}

// scaleGoals are the goals at scale, from BenchmarkScale's metrics.
func (b *bench) scaleGoals() []goal {
	first := func(n int) time.Duration { return b.got(fmt.Sprintf("scale %d s/first", n)) }
	upToDate := func(n int) time.Duration { return b.got(fmt.Sprintf("scale %d s/uptodate", n)) }
	settled := func(n int) time.Duration { return b.got(fmt.Sprintf("scale %d s/settled", n)) }
	const parse = "Serial before the first task: parsing the 5,000-task YAML (~0.1 s CPU in yaml.v3), then the check that no task writes into the store (~10 ms); per task ~4 lstats (its folders and files) and the SHA-256 fingerprint, on 2 CPUs. Closing it: a faster YAML parser, or a decoded task file cached by its content and the environment it expands."
	return []goal{
		{what: "5,000 tasks all up to date ≤ 0.25 s (a later run: no file read)", value: settled(5000), base: 250 * time.Millisecond, limit: 1, why: parse},
		{what: "5,000 tasks all up to date ≤ 0.25 s (right after the first run: every file hashed again)", value: upToDate(5000), base: 250 * time.Millisecond, limit: 1,
			why: "As the later run, plus reading and hashing all 10,000 files again: each was written within the racy window (2 s) of its digest, so its stamp cannot vouch for its content yet (git's racy entries)."},
		{what: "5,000 tasks, first run ≤ 2 s", value: first(5000), base: 2 * time.Second, limit: 1,
			why: "Creating, writing and renaming 5,000 outputs through the symlink guard (ext4 inode allocation is a third of the kernel time on this machine's busy /tmp) and one guest run each; on 2 CPUs the run is CPU-bound."},
		{what: "50,000 tasks up to date within 10× of 5,000 (a later run)", value: settled(50000), base: settled(5000), limit: 10,
			why: "Per task the work is the same; the 50,000-task heap (state file, index, settings) makes each garbage collection and cache miss dearer. Load on the shared machine moves this ratio by ±30%."},
		{what: "50,000 tasks up to date within 10× of 5,000 (right after the first run)", value: upToDate(50000), base: upToDate(5000), limit: 10,
			why: "As the later run, plus hashing 100,000 files again (see the racy window above): their pages and inodes no longer all fit the caches the 5,000-task run enjoys."},
		{what: "50,000 tasks, first run within 10× of 5,000", value: first(50000), base: first(5000), limit: 10,
			why: "File creation dominates (see the 5,000-task first run); ext4's inode allocation grows dearer with the folder's and the disk's recently deleted inodes."},
	}
}

// scale runs BenchmarkScale of the tasks package (N trivial tasks with an
// input and an output file each; first run and all up to date) and notes
// its metrics; it returns the curve as a table.
func (b *bench) scale(root string, quick bool) (string, error) {
	pattern := "Scale"
	if quick {
		pattern = "Scale/n=1000$"
	}
	cmd := exec.Command("go", "test", "./tasks", "-run", "^$", "-bench", pattern, "-benchtime", "1x", "-timeout", "30m")
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %v\n%s", cmd, err, out.String())
	}
	var s strings.Builder
	fmt.Fprintf(&s, "### at scale: N trivial tasks with one input and one output each (`go test ./tasks -run '^$' -bench %s -benchtime 1x`)\n\n", pattern)
	fmt.Fprintf(&s, "| N | first run | all up to date, right after | all up to date, later | CPU s, first / up to date | µs per task, up to date |\n| --- | --- | --- | --- | --- | --- |\n")
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		n, m, ok := scaleLine(sc.Text())
		if !ok {
			continue
		}
		for unit, v := range m {
			b.note(fmt.Sprintf("scale %d %s", n, unit), time.Duration(v*float64(time.Second)))
		}
		fmt.Fprintf(&s, "| %d | %.2f s | %.2f s | %.2f s | %.2f / %.2f | %.0f |\n", n, m["s/first"], m["s/uptodate"], m["s/settled"], m["cpu-s/first"], m["cpu-s/uptodate"], m["µs/task-uptodate"])
	}
	return s.String(), nil
}

// scaleLine reads "BenchmarkScale/n=5000-2  1  123 ns/op  1.2 s/first …"
// into N and its metrics by unit.
func scaleLine(line string) (int, map[string]float64, bool) {
	f := strings.Fields(line)
	if len(f) < 2 || !strings.HasPrefix(f[0], "BenchmarkScale/n=") {
		return 0, nil, false
	}
	name := strings.TrimPrefix(f[0], "BenchmarkScale/n=")
	if i := strings.LastIndex(name, "-"); i > 0 {
		name = name[:i]
	}
	n, err := strconv.Atoi(name)
	if err != nil {
		return 0, nil, false
	}
	m := map[string]float64{}
	for i := 3; i < len(f); i += 2 {
		if v, err := strconv.ParseFloat(f[i-1], 64); err == nil {
			m[f[i]] = v
		}
	}
	return n, m, true
}
