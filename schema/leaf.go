package schema

import (
	"go.yaml.in/yaml/v3"

	"github.com/wasmtasks/wasmtasks/internal/envname"
	"github.com/wasmtasks/wasmtasks/internal/lazyre"
)

// A grammar is the one definition of how a leaf value is written. The
// decoder checks it before it parses the value, and the JSON Schema
// exports it as the value's pattern, so the two cannot disagree. What a
// pattern cannot say (ranges) the decoder checks after it, and the
// schema's description says in words.
type grammar struct {
	pattern string
	re      *lazyre.Regexp // compiled on first use, not at every start
}

func newGrammar(pattern string) grammar {
	return grammar{pattern: pattern, re: lazyre.New(pattern)}
}

func (g grammar) match(s string) bool { return g.re.MatchString(s) }

// The grammars of the task file's leaf values. The patterns are anchored
// and use only what Go's RE2 and JSON Schema's ECMA-262 read alike.
var (
	// durationGrammar is what time.ParseDuration reads, less signs and
	// numbers without a digit on each side of the point.
	durationGrammar = newGrammar(`^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`)
	// sizeGrammar is what bytesize.Parse reads, less spaces around the
	// value and numbers without a digit on each side of the point.
	sizeGrammar   = newGrammar(`^[0-9]+(\.[0-9]+)? ?(B|K|M|G|T|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$`)
	digestGrammar = newGrammar(`^(sha256:)?[0-9a-fA-F]{64}$`)
	// nameGrammar is a component or task name: one that can be typed on
	// a command line.
	nameGrammar    = newGrammar(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)
	envNameGrammar = newGrammar(envname.Pattern)
)

func validName(s string) bool { return nameGrammar.match(s) }

func validEnvName(s string) bool { return envname.Valid(s) }

// ExitCode is a process exit status.
type ExitCode int

// Bounds of exit statuses: what a preview1 module can report.
const (
	MinExitCode = 0
	MaxExitCode = 255
)

func (c *ExitCode) decode(d *decoder, n *yaml.Node) {
	var v int
	if d.decodeInt(n, &v) {
		if v < MinExitCode || v > MaxExitCode {
			d.errorf(n, "exit status %d is out of range; give between %d and %d", v, MinExitCode, MaxExitCode)
			return
		}
		*c = ExitCode(v)
	}
}

// ExitCodes are the exit statuses that count as success.
type ExitCodes []ExitCode

func (cs *ExitCodes) decode(d *decoder, n *yaml.Node) {
	if !d.expect(n, yaml.SequenceNode, "a list of exit statuses like [0, 3]") {
		return
	}
	if len(n.Content) == 0 {
		d.errorf(n, "no exit status counts as success; list at least one, like [0]")
		return
	}
	*cs = make(ExitCodes, len(n.Content))
	for i, item := range n.Content {
		d.decodeValue(item, reflectValue(&(*cs)[i]))
	}
}

func (*ExitCodes) jsonSchema() object {
	return object{"type": "array", "minItems": 1,
		"items": object{"type": "integer", "minimum": MinExitCode, "maximum": MaxExitCode}}
}

// Contains reports whether code is one of cs.
func (cs ExitCodes) Contains(code int) bool {
	for _, c := range cs {
		if int(c) == code {
			return true
		}
	}
	return false
}

// RunPolicy says when a task runs: [RunAlways], [RunWhenChanged], or ""
// (the default) for what its effects call for.
type RunPolicy string

// Run policies.
const (
	// RunAlways runs the task every time, even when nothing it can see
	// changed: for tasks whose point is a side effect wasmtasks cannot
	// see.
	RunAlways RunPolicy = "always"
	// RunWhenChanged skips the task while nothing it can see changed,
	// even when its only effect is the console (a checker).
	RunWhenChanged RunPolicy = "when_changed"
)

// runPolicyGrammar is how a run policy is written.
var runPolicyGrammar = newGrammar(`^(always|when_changed)$`)

func (p *RunPolicy) decode(d *decoder, n *yaml.Node) {
	if !d.expect(n, yaml.ScalarNode, "always or when_changed") {
		return
	}
	if !runPolicyGrammar.match(n.Value) {
		d.errorf(n, "unknown run policy %q; want always or when_changed%s", n.Value, d.suggest(n.Value, []string{string(RunAlways), string(RunWhenChanged)}))
		return
	}
	*p = RunPolicy(n.Value)
}

func (*RunPolicy) jsonSchema() object {
	return object{"type": "string", "pattern": runPolicyGrammar.pattern}
}
