package tasks

import (
	"encoding/json"
	"io"

	"github.com/wasmtasks/wasmtasks/runner"
)

// jsonResult is one task in `run --json`.
type jsonResult struct {
	Task   string `json:"task"`
	Status string `json:"status"`
	// Program is where the program's compiled code came from: compiled,
	// stored, memory or remote; absent when no program was loaded (up to
	// date, cached, not run).
	Program string  `json:"program,omitempty"`
	TimeMS  float64 `json:"time_ms"`
	// ExitCode is the program's exit status, absent when it did not run
	// or was stopped or trapped.
	ExitCode *int   `json:"exit_code,omitempty"`
	Error    string `json:"error,omitempty"`
	// Cause is the dependency whose failure kept the task from running.
	Cause string `json:"cause,omitempty"`
}

// WriteJSON writes the summary as one line of JSON: {"tasks": [...]},
// a row per task in the summary's order, for scripts and CI dashboards
// that want to know what ran, what was up to date or came from the remote
// cache, and where each program's code came from.
func (s Summary) WriteJSON(w io.Writer) error {
	rows := make([]jsonResult, 0, len(s))
	for _, r := range s {
		row := jsonResult{Task: r.Task, Status: r.Status.Key(), TimeMS: float64(r.Time.Microseconds()) / 1000, Cause: r.Cause}
		if r.Source != runner.SourceUnknown {
			row.Program = r.Source.String()
		}
		if (r.Status == Ran || r.Status == Failed) && r.ExitCode >= 0 {
			code := r.ExitCode
			row.ExitCode = &code
		}
		if r.Status == Failed && r.Err != nil {
			row.Error = r.why()
		}
		rows = append(rows, row)
	}
	b, err := json.Marshal(struct {
		Tasks []jsonResult `json:"tasks"`
	}{rows})
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
