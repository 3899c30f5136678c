package wasmtasks

import (
	"sync"

	"github.com/wasmtasks/wasmtasks/tasks"
)

// summaries folds the summaries of the Run calls of one mage invocation.
// Mage has no hook at the end of an invocation, so the summary is printed
// when no call is running any more: the Task values of one mg.Deps run at
// once and end with one summary of all their tasks. A later call (a second
// mg.Deps after the first returned) prints a summary of its own, of only
// the tasks that no earlier summary listed. It prints before the call
// returns, and mage exits right after a failure.
type summaries struct {
	mu       sync.Mutex
	running  int                     // Run calls under way
	pending  tasks.Summary           // results of the calls since the last summary
	at       map[string]int          // a task's index in pending
	reported map[string]tasks.Result // what earlier summaries said of each task
}

// begin counts a Run call that starts.
func (s *summaries) begin() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running++
}

// end adds a finished call's results; when it was the last call running,
// it prints them with print.
func (s *summaries) end(sum tasks.Summary, print func(tasks.Summary)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.at == nil {
		s.at, s.reported = map[string]int{}, map[string]tasks.Result{}
	}
	for _, r := range sum {
		if old, ok := s.reported[r.Task]; ok && old.Status == r.Status && old.Time == r.Time {
			continue // the same run, listed before
		}
		if i, ok := s.at[r.Task]; ok {
			s.pending[i] = r
			continue
		}
		s.at[r.Task] = len(s.pending)
		s.pending = append(s.pending, r)
	}
	if s.running--; s.running > 0 || len(s.pending) == 0 {
		return
	}
	print(s.pending)
	for _, r := range s.pending {
		s.reported[r.Task] = r
	}
	s.pending, s.at = nil, map[string]int{}
}
