package schema

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/wasmtasks/wasmtasks/internal/exitcode"
)

// Error is one problem in a task file, at a line and column.
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Errors is the problems found in a task file, in file order. Validation
// reports them all, up to [maxErrors]; a last entry counts the rest.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// ExitStatus is 2 (exitcode.Usage): a bad task file is a usage error, the same for the
// wasmtasks command and for mage.
func (es Errors) ExitStatus() int { return exitcode.Usage }

// The bounds of what a report costs to make and to read: a generated file
// with an error in each of 16,000 tasks must not print 16,000 lines, nor
// compare every name with every other.
const (
	// maxErrors is how many problems a report shows, and how many
	// suggestions ("did you mean") one file may cost.
	maxErrors = 50
	// maxListed is how many names one message lists.
	maxListed = 10
)

// report sorts the problems into file order and keeps the first
// [maxErrors]; a last entry, at the first one left out, counts the rest.
func (es Errors) report() Errors {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Line != es[j].Line {
			return es[i].Line < es[j].Line
		}
		return es[i].Col < es[j].Col
	})
	if len(es) <= maxErrors {
		return es
	}
	first := es[maxErrors]
	rest := &Error{File: first.File, Line: first.Line, Col: first.Col,
		Msg: fmt.Sprintf("…and %s more problems from here on; fix the ones above and run again", count(len(es)-maxErrors))}
	return append(es[:maxErrors:maxErrors], rest)
}

// count writes n with thousands separators: 16,000.
func count(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// list joins at most [maxListed] names and counts the rest.
func list(names []string) string {
	if len(names) <= maxListed {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:maxListed], ", ") + fmt.Sprintf(" and %s more", count(len(names)-maxListed))
}

// chain writes the dependency cycle through names, back to the first,
// naming at most [maxListed] of them.
func chain(names []string) string {
	n := len(names)
	if n <= maxListed {
		return strings.Join(names, " → ") + " → " + names[0]
	}
	head, tail := names[:maxListed/2], names[n-maxListed/2:]
	return fmt.Sprintf("%s → … (%s tasks) → %s → %s", strings.Join(head, " → "), count(n), strings.Join(tail, " → "), names[0])
}

// suggest returns `; did you mean "x"?` when one of known is close to got.
// Suggestions stop when the file has had [maxSuggestCost] steps of them:
// a report shows [maxErrors] problems, not one for each of 16,000 tasks.
func (d *decoder) suggest(got string, known []string) string {
	if d.suggestCost >= maxSuggestCost {
		return ""
	}
	s, cost := suggest(got, known, maxSuggestCost-d.suggestCost)
	d.suggestCost += cost
	return s
}

// maxSuggestCost bounds the steps of edit distance one file may take
// (about a tenth of a second): 50 suggestions among 16,000 names.
const maxSuggestCost = 50 * 16_000 * 100

// suggest returns `; did you mean "x"?` when one of known is close to got,
// and the steps it took, at most about budget.
func suggest(got string, known []string, budget int) (string, int) {
	limit := min(3, max(1, len(got)/3))
	lower := strings.ToLower(got)
	best, bestDist, cost := "", limit+1, 0
	for _, k := range known {
		if cost >= budget {
			break
		}
		if abs(len(k)-len(got)) >= bestDist {
			continue // the distance is at least the difference in length
		}
		cost += len(lower) * len(k)
		if d := distance(lower, k, bestDist); d < bestDist && d < len(got) {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return "", cost
	}
	return fmt.Sprintf("; did you mean %q?", best), cost
}

func abs(n int) int { return max(n, -n) }

// distance is the Levenshtein edit distance between a and b, or some
// number at least bound once it is clear that it is at least bound.
func distance(a, b string, bound int) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= bound {
			return bound
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
