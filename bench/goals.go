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
}

func (g goal) row() string {
	if g.value == 0 || g.base == 0 {
		return fmt.Sprintf("| %s | not measured in this run | - | - |\n", g.what)
	}
	r := float64(g.value) / float64(g.base)
	met := r <= g.limit
	if g.atLeast {
		met = r >= g.limit
	}
	verdict := "unmet"
	if met {
		verdict = "**met**"
	}
	show := g.show
	if show == nil {
		show = func(v, b time.Duration) string { return ms(v) + " vs " + ms(b) }
	}
	return fmt.Sprintf("| %s | %s | %.2f× | %s |\n", g.what, show(g.value, g.base), r, verdict)
}

const floorName, wazeroName = "wasmtime-go API (floor)", "wazero (compiler)"

// goalsTable renders the goals of issue 15 from the values this run noted.
func (b *bench) goalsTable() string {
	warm := func(prog, runtime, program string) time.Duration {
		return b.got("warm " + prog + "/" + runtime + "/" + program)
	}
	inproc := func(runtime, program string) time.Duration { return b.got("inprocess/" + runtime + "/" + program) }
	bytesAsTimes := func(v, base time.Duration) string { return mb(int64(v)) + " vs " + mb(int64(base)) }
	goals := []goal{
		{what: "warm start, Go hello module, whole process, ≤ 1.2× the floor", value: warm("hello", "wasmtasks", "Go module"), base: warm("hello", floorName, "Go module"), limit: 1.2},
		{what: "warm start, C hello module, whole process, ≤ 1.2× the floor", value: warm("hello", "wasmtasks", "C module"), base: warm("hello", floorName, "C module"), limit: 1.2},
		{what: "per task in one process, output writer set, C module, ≤ 1.2× the floor", value: inproc("wasmtasks", "C module"), base: inproc(floorName, "C module"), limit: 1.2},
		{what: "per task in one process, C module, ≤ 100 µs (moonshot)", value: inproc("wasmtasks", "C module"), base: 100 * time.Microsecond, limit: 1},
		{what: "warm Go hello ≥ 9× faster than wazero (wazero / wasmtasks)", value: warm("hello", wazeroName, "Go module"), base: warm("hello", "wasmtasks", "Go module"), limit: 9, atLeast: true},
		{what: "CPU-bound Go module (SHA-256) = the floor (≤ 1.15×, the noise here)", value: warm("sha", "wasmtasks", "Go module"), base: warm("sha", floorName, "Go module"), limit: 1.15},
		{what: "cold project of three real tools ≤ 1.2× its slowest single cold run (sum: " + ms(b.got("project sum")) + ")", value: b.got("project cold"), base: b.got("project slowest"), limit: 1.2},
		{what: "peak RSS of compiling Yosys ≤ 1 GiB, the per-compile memory the compile cap assumes", value: time.Duration(b.gotRSS("real cold Yosys")), base: 1 << 30, limit: 1, show: bytesAsTimes},
	}
	for _, g := range b.scaleGoals() {
		goals = append(goals, g)
	}
	var s strings.Builder
	fmt.Fprintf(&s, "### goals of issue 15 (from this run)\n\n| goal | measured | ratio | |\n| --- | --- | --- | --- |\n")
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
	return []goal{
		{what: "5,000 tasks all up to date ≤ 0.25 s (a later run: no file read)", value: settled(5000), base: 250 * time.Millisecond, limit: 1},
		{what: "5,000 tasks all up to date ≤ 0.25 s (right after the first run: every file hashed again)", value: upToDate(5000), base: 250 * time.Millisecond, limit: 1},
		{what: "5,000 tasks, first run ≤ 2 s", value: first(5000), base: 2 * time.Second, limit: 1},
		{what: "50,000 tasks up to date within 10× of 5,000 (a later run)", value: settled(50000), base: settled(5000), limit: 10},
		{what: "50,000 tasks up to date within 10× of 5,000 (right after the first run)", value: upToDate(50000), base: upToDate(5000), limit: 10},
		{what: "50,000 tasks, first run within 10× of 5,000", value: first(50000), base: first(5000), limit: 10},
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
