package schema

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/wasmtasks/wasmtasks/internal/bytesize"
	"github.com/wasmtasks/wasmtasks/internal/lazyre"
)

// String is a string in which ${NAME} variables were expanded.
type String string

func (s *String) decode(d *decoder, n *yaml.Node) {
	if d.expect(n, yaml.ScalarNode, "a string") {
		v, _ := d.expand(n)
		*s = String(v)
	}
}

func (*String) jsonSchema() object { return object{"type": "string", "minLength": 1} }

// HostPath is a path on the host, written relative to the task file (or
// absolute), with variables expanded.
type HostPath struct {
	// Raw is the path as written, after expansion; Abs is it made
	// absolute. Only Raw counts in fingerprints: it means the same in
	// every checkout of a project, wherever the checkout is.
	Raw string
	Abs string `hash:"ignore"`
	Pos Pos    `hash:"ignore"`
}

func (p *HostPath) decode(d *decoder, n *yaml.Node) {
	if !d.expect(n, yaml.ScalarNode, "a path") {
		return
	}
	v, ok := d.expand(n)
	if !ok {
		return
	}
	if v == "" {
		d.errorf(n, "empty path")
		return
	}
	p.Raw, p.Pos = v, posOf(n)
	p.Abs = v
	if !filepath.IsAbs(v) {
		p.Abs = filepath.Join(d.dir, v)
	}
}

func (*HostPath) jsonSchema() object { return object{"type": "string", "minLength": 1} }

// IsSet reports whether the path was given.
func (p HostPath) IsSet() bool { return p.Raw != "" }

// GuestPath is an absolute path as the program sees it, with variables
// expanded and cleaned.
type GuestPath struct {
	Path string
	Pos  Pos `hash:"ignore"`
}

func (g *GuestPath) decode(d *decoder, n *yaml.Node) {
	if !d.expect(n, yaml.ScalarNode, "an absolute guest path like /src") {
		return
	}
	v, ok := d.expand(n)
	if !ok {
		return
	}
	if !strings.HasPrefix(v, "/") {
		d.errorf(n, "guest path %q is not absolute; write it as the program will see it, like /src", v)
		return
	}
	g.Path, g.Pos = path.Clean(v), posOf(n)
}

func (*GuestPath) jsonSchema() object { return object{"type": "string", "pattern": "^/"} }

// IsSet reports whether the path was given.
func (g GuestPath) IsSet() bool { return g.Path != "" }

// Digest is a SHA-256, written as 64 hex digits.
type Digest string

func (g *Digest) decode(d *decoder, n *yaml.Node) {
	if !d.expect(n, yaml.ScalarNode, "a SHA-256 in hex") {
		return
	}
	if !digestGrammar.match(n.Value) {
		d.errorf(n, "sha256 %q is not 64 hex digits; compute it with: sha256sum FILE", n.Value)
		return
	}
	*g = Digest(strings.ToLower(strings.TrimPrefix(n.Value, "sha256:")))
}

func (*Digest) jsonSchema() object { return object{"type": "string", "pattern": digestGrammar.pattern} }

// EnvVar is one environment variable.
type EnvVar struct {
	Name, Value string
}

// Env is a set of environment variables in file order.
type Env []EnvVar

func (e *Env) decode(d *decoder, n *yaml.Node) {
	if !d.expect(n, yaml.MappingNode, "a mapping of NAME: value") {
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		if !validEnvName(key.Value) || key.Kind != yaml.ScalarNode {
			d.errorf(key, "%q is not a valid environment variable name; use letters, digits and '_', not starting with a digit", key.Value)
			continue
		}
		if seen[key.Value] {
			d.errorf(key, "duplicate variable %q; remove one", key.Value)
			continue
		}
		seen[key.Value] = true
		val, ok := d.resolve(val)
		if !ok {
			return
		}
		if val.Kind == yaml.ScalarNode && val.ShortTag() == "!!null" {
			d.errorf(val, "%s has no value; write %s: \"\" for an empty one", key.Value, key.Value)
			continue
		}
		if !d.expect(val, yaml.ScalarNode, "a string") {
			continue
		}
		if v, ok := d.expand(val); ok {
			*e = append(*e, EnvVar{Name: key.Value, Value: v})
		}
	}
}

func (*Env) jsonSchema() object {
	return object{"type": "object", "propertyNames": envNameSchema(), "additionalProperties": object{"type": "string"}}
}

func envNameSchema() object { return object{"type": "string", "pattern": envNameGrammar.pattern} }

// Vars are the file's variables.
type Vars Env

// decode reads the vars in order; each may use the ones above it and the
// process environment.
func (v *Vars) decode(d *decoder, n *yaml.Node) {
	d.vars = map[string]string{}
	if !d.expect(n, yaml.MappingNode, "a mapping of NAME: value") {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		var one Env
		one.decode(d, &yaml.Node{Kind: yaml.MappingNode, Line: n.Line, Column: n.Column, Content: n.Content[i : i+2]})
		if len(one) == 0 {
			d.markBroken(n.Content[i].Value)
		}
		for _, e := range one {
			if _, dup := d.vars[e.Name]; dup {
				d.errorf(n.Content[i], "duplicate variable %q; remove one", e.Name)
				continue
			}
			d.vars[e.Name] = e.Value
			*v = append(*v, e)
		}
	}
}

func (v Vars) values() map[string]string {
	m := make(map[string]string, len(v))
	for _, e := range v {
		m[e.Name] = e.Value
	}
	return m
}

func (*Vars) jsonSchema() object { return (*Env)(nil).jsonSchema() }

// InheritEnv says which host environment variables a program gets.
type InheritEnv struct {
	All   bool
	Names []string
}

func (ie *InheritEnv) decode(d *decoder, n *yaml.Node) {
	switch {
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool":
		ie.All, _ = d.decodeBool(n)
	case n.Kind == yaml.SequenceNode:
		for _, item := range n.Content {
			if item.Kind != yaml.ScalarNode || !validEnvName(item.Value) {
				d.errorf(item, "%s is not an environment variable name", describe(item))
				continue
			}
			ie.Names = append(ie.Names, item.Value)
		}
	default:
		d.errorf(n, "inherit_env wants true, false or a list of names, not %s", describe(n))
	}
}

func (*InheritEnv) jsonSchema() object {
	return object{"oneOf": []any{object{"type": "boolean"}, object{"type": "array", "items": envNameSchema()}}}
}

// Stream modes.
const (
	StreamNone    = "none"
	StreamInherit = "inherit"
	StreamDiscard = "discard"
	StreamFile    = "file"
)

// Input is where a program's stdin comes from.
type Input struct {
	Mode string // StreamNone, StreamInherit or StreamFile
	File HostPath
}

func (in *Input) decode(d *decoder, n *yaml.Node) {
	in.Mode = decodeStream(d, n, []string{StreamNone, StreamInherit}, &in.File, nil)
}

func (*Input) jsonSchema() object { return streamSchema([]string{StreamNone, StreamInherit}, false) }

// Output is where a program's stdout or stderr goes.
type Output struct {
	Mode   string // StreamInherit, StreamDiscard or StreamFile
	File   HostPath
	Append bool
}

func (out *Output) decode(d *decoder, n *yaml.Node) {
	out.Mode = decodeStream(d, n, []string{StreamInherit, StreamDiscard}, &out.File, &out.Append)
}

func (*Output) jsonSchema() object { return streamSchema([]string{StreamInherit, StreamDiscard}, true) }

// decodeStream reads one of the words or {file: path} (with append: when
// the stream is an output).
func decodeStream(d *decoder, n *yaml.Node, words []string, file *HostPath, appendTo *bool) string {
	choices := strings.Join(words, ", ") + " or {file: path}"
	switch {
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null":
		d.errorf(n, "no value given (YAML reads a bare ~ or null as nothing); write %q", words[0])
	case n.Kind == yaml.ScalarNode:
		if slices.Contains(words, n.Value) {
			return n.Value
		}
		d.errorf(n, "unknown stream %q; want %s%s", n.Value, choices, d.suggest(n.Value, words))
	case n.Kind == yaml.MappingNode:
		var spec struct {
			File   HostPath `yaml:"file" required:"true" doc:"The file, relative to the task file."`
			Append bool     `yaml:"append"`
		}
		if appendTo == nil {
			var in struct {
				File HostPath `yaml:"file" required:"true" doc:"The file, relative to the task file."`
			}
			d.decodeStruct(n, reflectValue(&in), nil)
			*file = in.File
			return StreamFile
		}
		d.decodeStruct(n, reflectValue(&spec), nil)
		*file, *appendTo = spec.File, spec.Append
		return StreamFile
	default:
		d.errorf(n, "want %s, not %s", choices, describe(n))
	}
	return ""
}

// Duration is a time limit like 30s or 2m.
type Duration time.Duration

// Bounds of timeouts.
const (
	MinDuration = time.Millisecond
	MaxDuration = 24 * time.Hour
)

func (t *Duration) decode(d *decoder, n *yaml.Node) {
	if !d.expect(n, yaml.ScalarNode, "a duration like 30s or 2m") {
		return
	}
	if !durationGrammar.match(n.Value) {
		d.errorf(n, "invalid duration %q; write a number with a unit: 500ms, 30s, 2m, 1h", n.Value)
		return
	}
	v, err := time.ParseDuration(n.Value) // fails only when it overflows
	switch {
	case err != nil || v < MinDuration || v > MaxDuration:
		d.errorf(n, "duration %s is out of range; give between %s and %s", n.Value, MinDuration, MaxDuration)
	default:
		*t = Duration(v)
	}
}

func (*Duration) jsonSchema() object {
	return object{"type": "string", "pattern": durationGrammar.pattern,
		"description": fmt.Sprintf("Give it between %s and %s.", MinDuration, MaxDuration)}
}

// Size is a number of bytes, written like 512MiB.
type Size int64

// Bounds of memory caps: one wasm page, and 64 GiB.
const (
	MinSize   = 64 << 10
	MaxSize   = 64 << 30
	sizeRange = "between 64KiB (one wasm page) and 64GiB"
)

func (s *Size) decode(d *decoder, n *yaml.Node) {
	if !d.expect(n, yaml.ScalarNode, "a size like 512MiB") {
		return
	}
	if !sizeGrammar.match(n.Value) {
		d.errorf(n, "invalid size %q; write a number with a unit: 64MiB, 512MiB, 2GiB", n.Value)
		return
	}
	v, err := bytesize.Parse(n.Value) // fails only when it overflows
	switch {
	case err != nil || v < MinSize || v > MaxSize:
		d.errorf(n, "size %s is out of range; give %s", n.Value, sizeRange)
	default:
		*s = Size(v)
	}
}

func (*Size) jsonSchema() object {
	return object{"type": "string", "pattern": sizeGrammar.pattern, "description": "Give it " + sizeRange + "."}
}

// Ref names a component or task.
type Ref struct {
	Name string
	Pos  Pos `hash:"ignore"`
}

func (r *Ref) decode(d *decoder, n *yaml.Node) {
	if d.expect(n, yaml.ScalarNode, "a name") {
		r.Name, r.Pos = n.Value, posOf(n)
	}
}

func (*Ref) jsonSchema() object { return object{"type": "string", "minLength": 1} }

// Glob is a pattern of files relative to the task file; ** matches any
// number of folders.
type Glob struct {
	Pattern string
	Pos     Pos
}

func (g *Glob) decode(d *decoder, n *yaml.Node) {
	if !d.expect(n, yaml.ScalarNode, "a glob like src/**/*.c") {
		return
	}
	v, ok := d.expand(n)
	if !ok {
		return
	}
	clean := path.Clean(filepath.ToSlash(v))
	switch {
	case v == "":
		d.errorf(n, "empty glob")
	case path.IsAbs(clean) || filepath.IsAbs(v):
		d.errorf(n, "glob %q is absolute; write it relative to the task file", v)
	case globUp.MatchString(filepath.ToSlash(v)):
		d.errorf(n, "glob %q has a .. part; write it from the task file's folder down, and keep inputs and outputs under that folder", v)
	default:
		for _, part := range strings.Split(clean, "/") {
			if _, err := path.Match(part, ""); err != nil {
				d.errorf(n, "invalid glob %q: %v", v, err)
				return
			}
		}
		g.Pattern, g.Pos = clean, posOf(n)
	}
}

// globUp finds a ".." part: one rule for the decoder and the JSON Schema,
// which sees the text before cleaning, so a glob may not climb at all.
var globUp = lazyre.New(`(^|/)\.\.(/|$)`)

func (*Glob) jsonSchema() object {
	return object{"type": "string", "minLength": 1, "not": object{"anyOf": []any{
		object{"pattern": `^/`}, object{"pattern": globUp.String()},
	}}}
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }
