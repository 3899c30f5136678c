package schema

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/golden"
)

// generated builds a task file of n tasks; task(i) writes the i-th.
func generated(n int, task func(i int) string) []byte {
	var b strings.Builder
	b.WriteString("version: 1\ncomponents:\n  c: {path: ../tools/prog.wasm}\ntasks:\n")
	for i := range n {
		fmt.Fprintf(&b, "  %s\n", task(i))
	}
	return []byte(b.String())
}

// parseBad parses data as a file in testdata/bad and returns its errors.
func parseBad(t *testing.T, data []byte) Errors {
	t.Helper()
	_, err := Parse(filepath.Join("testdata", "bad", "generated.yaml"), data, env)
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("got %v, want Errors", err)
	}
	return es
}

// TestUnknownDepsAmongManyTasks: 16,000 tasks, each with a typo in its
// dependency, used to take minutes and print gigabytes (every error
// listed every task and computed its distance to every name).
func TestUnknownDepsAmongManyTasks(t *testing.T) {
	data := generated(16_000, func(i int) string {
		return fmt.Sprintf("task-%05d: {component: c, deps: [tsak-%05d]}", i, (i+1)%16_000)
	})
	es := parseBad(t, data)
	out := es.Error()
	if len(out) > 20_000 {
		t.Fatalf("%d bytes of errors; want a bounded report. Start:\n%.2000s", len(out), out)
	}
	// The report suggests the right name and counts the rest.
	golden.Check(t, filepath.Join("testdata", "bad", "generated-deps.golden"), []byte(out+"\n"))
}

// TestLongCycle: a cycle through 10,000 tasks is reported in one short
// line, not as 10,000 names.
func TestLongCycle(t *testing.T) {
	const n = 10_000
	data := generated(n, func(i int) string {
		return fmt.Sprintf("t%d: {component: c, deps: [t%d]}", i, (i+1)%n)
	})
	es := parseBad(t, data)
	out := es.Error()
	if len(es) != 1 || len(out) > 400 {
		t.Fatalf("want one short error naming the cycle's length, got %d bytes:\n%.2000s", len(out), out)
	}
	golden.Check(t, filepath.Join("testdata", "bad", "generated-cycle.golden"), []byte(out+"\n"))
}

// TestManyCyclesBounded: every task of a long chain depends back on the
// first; each back edge is a cycle, and the report stays short.
func TestManyCyclesBounded(t *testing.T) {
	const n = 10_000
	data := generated(n, func(i int) string {
		switch i {
		case 0:
			return "t0: {component: c, deps: [t1]}"
		case n - 1:
			return fmt.Sprintf("t%d: {component: c, deps: [t0]}", i)
		}
		return fmt.Sprintf("t%d: {component: c, deps: [t%d, t0]}", i, i+1)
	})
	out := parseBad(t, data).Error()
	if len(out) > 20_000 {
		t.Fatalf("%d bytes of errors; want a bounded report. Start:\n%.2000s", len(out), out)
	}
}

// TestFiftyThousandTasks: a large generated file without aliases is read;
// the old bound of 100,000 values refused it and blamed aliases.
func TestFiftyThousandTasks(t *testing.T) {
	data := generated(50_000, func(i int) string {
		if i == 0 {
			return "t0: {component: c}"
		}
		return fmt.Sprintf("t%d: {component: c, args: [x], deps: [t%d]}", i, i-1)
	})
	f, err := Parse(filepath.Join("testdata", "good", "generated.yaml"), data, env)
	if err != nil {
		t.Fatalf("%.2000s", err)
	}
	if len(f.Tasks) != 50_000 {
		t.Fatalf("%d tasks", len(f.Tasks))
	}
}

// TestTooManyValuesWithoutAliases: past the bound, the message counts
// values and says nothing of aliases when the file has none.
func TestTooManyValuesWithoutAliases(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: 1\ncomponents:\n  c:\n    path: ../tools/prog.wasm\n    args: [")
	b.WriteString(strings.Repeat("a,", 1_000_000))
	b.WriteString("a]\n")
	es := parseBad(t, []byte(b.String()))
	out := es.Error()
	if len(es) != 1 {
		t.Fatalf("got:\n%.2000s", out)
	}
	// It counts values and says nothing of aliases.
	golden.Check(t, filepath.Join("testdata", "bad", "generated-values.golden"), []byte(out+"\n"))
}
