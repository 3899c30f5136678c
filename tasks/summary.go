package tasks

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/wasmtasks/wasmtasks/runner"
)

// Print writes the summary table and, for each failed task, the reason
// and the last lines of its stderr again, so that the cause of a failure is
// not buried under other tasks' output.
func (s Summary) Print(w io.Writer) {
	if len(s) == 0 {
		return
	}
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
		if r.Status == Ran || r.Status == Failed || r.Status == Cancelled || r.Status == UpToDate {
			t = roundTime(r.Time)
		}
		if r.Source != runner.SourceUnknown {
			src = r.Source.String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Task, status, t, src)
	}
	tw.Flush()
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
