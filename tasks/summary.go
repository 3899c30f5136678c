package tasks

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/wasmtasks/wasmtasks/runner"
)

// Summary details: how much of a [Summary] [Runner.PrintSummary] shows
// (the wasmtasks run flag --summary).
const (
	// SummaryShort prints one line of counts ("5,000 tasks: 4,990 up to
	// date, 8 ran, 2 failed") and each failure: the default.
	SummaryShort = "short"
	// SummaryFull also prints a row per task: its status, time and where
	// its compiled code came from.
	SummaryFull = "full"
	// SummaryFailures prints only the failures: the default with Quiet.
	SummaryFailures = "failures"
)

// summaryDetail checks Options.Summary and fills in its default.
func summaryDetail(detail string, quiet bool) (string, error) {
	switch detail {
	case "":
		if quiet {
			return SummaryFailures, nil
		}
		return SummaryShort, nil
	case SummaryShort, SummaryFull, SummaryFailures:
		return detail, nil
	}
	return "", &UsageError{fmt.Sprintf("unknown summary %q; want short, full or failures", detail)}
}

// Print writes the whole summary: a row per task, the counts, and for
// each failed task the reason and the last lines of its stderr again, so
// that the cause of a failure is not buried under other tasks' output.
func (s Summary) Print(w io.Writer) { s.print(w, SummaryFull) }

// print writes the summary at one of the Summary details.
func (s Summary) print(w io.Writer, detail string) {
	if len(s) == 0 {
		return
	}
	if detail == SummaryFull {
		s.table(w)
	}
	if detail != SummaryFailures {
		fmt.Fprintln(w, s.counts())
	}
	s.failures(w)
}

// table writes a row per task.
func (s Summary) table(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TASK\tSTATUS\tTIME\tPROGRAM")
	for _, r := range s {
		status := r.Status.String()
		switch r.Status {
		case DepFailed:
			status = "not run: " + r.Cause + " failed"
		case Failed:
			if r.ExitCode > 0 {
				status = fmt.Sprintf("failed (exit %d)", r.ExitCode)
			}
		}
		t, src := "-", "-"
		if r.Status == Ran || r.Status == Failed || r.Status == Cancelled || r.Status == UpToDate || r.Status == Cached {
			t = roundTime(r.Time)
		}
		if r.Source != runner.SourceUnknown {
			src = r.Source.String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Task, status, t, src)
	}
	tw.Flush()
}

// counts says how many tasks there were and what became of them: "5,000
// tasks: 4,990 up to date, 8 ran, 2 failed".
func (s Summary) counts() string {
	n := map[Status]int{}
	for _, r := range s {
		st := r.Status
		if st == DepFailed {
			st = NotRun
		}
		n[st]++
	}
	noun := "tasks"
	if len(s) == 1 {
		noun = "task"
	}
	var parts []string
	for _, c := range []struct {
		st   Status
		word string
	}{{UpToDate, "up to date"}, {Cached, "cached (remote)"}, {Ran, "ran"}, {Failed, "failed"}, {Cancelled, "stopped"}, {NotRun, "not run"}, {StatusUnknown, "unknown"}} {
		if n[c.st] > 0 {
			parts = append(parts, thousands(n[c.st])+" "+c.word)
		}
	}
	return thousands(len(s)) + " " + noun + ": " + strings.Join(parts, ", ")
}

// failures writes, for each failed task, why and the last lines of its
// stderr.
func (s Summary) failures(w io.Writer) {
	for _, r := range s {
		if r.Status != Failed {
			continue
		}
		fmt.Fprintf(w, "\n--- %s failed: %s\n", r.Task, r.why())
		if len(r.Stderr) > 0 {
			fmt.Fprintf(w, "last lines of its stderr:\n%s\n", indent(r.Stderr))
		} else if msg := r.Err.Error(); strings.Contains(msg, "\n") {
			fmt.Fprintf(w, "%s\n", msg)
		}
	}
}

// thousands writes n with commas between groups of three digits: 5,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// roundTime prints durations the way people read them: 12ms, 1.5s, 2m3s.
func roundTime(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return "<1ms"
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Second).String()
}
