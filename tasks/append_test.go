package tasks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParallelAppendsKeepEveryLine: two tasks that run at the same time and
// append to one output file used to copy it, each to a temporary file, and
// the second rename dropped the first task's lines.
func TestParallelAppendsKeepEveryLine(t *testing.T) {
	p, dir := projectWith(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  a: {component: probe, args: [interval, "300"], stdout: {file: build/shared.log, append: true}}
  b: {component: probe, args: [interval, "300"], stdout: {file: build/shared.log, append: true}}
  c: {component: probe, args: [interval, "300"], stderr: {file: build/other.log}}
`, "build")
	if o := runTasks(t, p, Options{Jobs: 3}); o.err != nil {
		t.Fatalf("%v\n%s", o.err, o.stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "build", "shared.log"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "start "); n != 2 {
		t.Errorf("shared.log holds the lines of %d tasks, want 2:\n%s", n, b)
	}
	if n := strings.Count(string(b), "end "); n != 2 {
		t.Errorf("shared.log holds %d end lines, want 2:\n%s", n, b)
	}
}

// TestStdoutAndStderrToOneFile: a task whose two streams name one file
// used to write two temporary files, and the second rename dropped the
// first stream.
func TestStdoutAndStderrToOneFile(t *testing.T) {
	p, dir := projectWith(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  both:
    component: probe
    args: [close-stdout]
    stdout: {file: build/both.log}
    stderr: {file: build/both.log}
`, "build")
	if o := runTasks(t, p, Options{Jobs: 1}); o.err != nil {
		t.Fatalf("%v\n%s", o.err, o.stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, "build", "both.log"))
	if err != nil {
		t.Fatal(err)
	}
	// Two pipes feed the one file, so the streams' order (even of one
	// line's text and its newline, which musl writes apart) is not fixed.
	for _, want := range []string{"before close", "write after close returned"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("both.log lacks %q:\n%s", want, b)
		}
	}
}
