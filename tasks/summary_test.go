package tasks

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/runner"
)

// TestSummaryDetails prints one summary at each detail: full has a row
// per task, short the counts and the failures, failures (what --quiet
// shows) only the failures.
func TestSummaryDetails(t *testing.T) {
	sum := Summary{
		{Task: "generate", Status: Ran, Time: 1234 * time.Millisecond, Source: runner.Stored},
		{Task: "tables", Status: UpToDate, Time: 3 * time.Millisecond},
		{Task: "check-format", Status: Failed, Time: 87 * time.Millisecond, Source: runner.Memory, ExitCode: 1,
			Err: &runner.ExitError{Code: 1, Program: "fmt.wasm"}, Stderr: []string{"src/a.c:3: line too long"}},
		{Task: "compress", Status: Cancelled, Time: 312 * time.Millisecond, Source: runner.Compiled, ExitCode: -1},
		{Task: "release", Status: DepFailed, Cause: "check-format"},
		{Task: "publish", Status: NotRun},
	}
	for _, detail := range []string{SummaryFull, SummaryShort, SummaryFailures} {
		var out bytes.Buffer
		sum.print(&out, detail)
		checkGolden(t, "summary-"+detail+".txt", out.Bytes())
	}
}

// TestSummaryAtScale: 5,000 tasks make one line of counts and the
// failures, not 5,000 rows.
func TestSummaryAtScale(t *testing.T) {
	sum := make(Summary, 0, 5000)
	for i := range 4990 {
		sum = append(sum, Result{Task: fmt.Sprintf("t%04d", i), Status: UpToDate, Time: time.Millisecond})
	}
	for i := range 8 {
		sum = append(sum, Result{Task: fmt.Sprintf("ran%d", i), Status: Ran, Time: time.Second, Source: runner.Stored})
	}
	for i := range 2 {
		sum = append(sum, Result{Task: fmt.Sprintf("bad%d", i), Status: Failed, Time: time.Second, ExitCode: 1,
			Err: &runner.ExitError{Code: 1, Program: "lint.wasm"}, Stderr: []string{fmt.Sprintf("bad%d.go:1: unused import", i)}})
	}
	var out bytes.Buffer
	sum.print(&out, SummaryShort)
	checkGolden(t, "summary-5000.txt", out.Bytes())
	var ok bytes.Buffer
	sum[:5].print(&ok, SummaryShort)
	checkGolden(t, "summary-ok.txt", ok.Bytes())
}

// TestSummaryDetailNames: an unknown detail is a usage error that names
// the known ones; "" is short, or failures with Quiet.
func TestSummaryDetailNames(t *testing.T) {
	for _, tt := range []struct {
		in    string
		quiet bool
		want  string
	}{{"", false, SummaryShort}, {"", true, SummaryFailures}, {"full", true, SummaryFull}, {"short", false, SummaryShort}} {
		got, err := summaryDetail(tt.in, tt.quiet)
		if err != nil || got != tt.want {
			t.Errorf("summaryDetail(%q, %v) = %q, %v; want %q", tt.in, tt.quiet, got, err, tt.want)
		}
	}
	_, err := summaryDetail("verbose", false)
	var ue *UsageError
	if !errors.As(err, &ue) {
		t.Fatalf("summaryDetail(verbose): %v, want a *UsageError", err)
	}
	checkGolden(t, "summary-detail-error.txt", []byte(err.Error()+"\n"))
}
