package schema

import (
	"path"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/wasmtasks/wasmtasks/internal/ociref"
)

// The grammars of where a program comes from (see [Component]). They say
// how a value is written; what it names is checked when it is fetched.
var (
	// goGrammar is a package of the project (., .., ./x, ../x) or a
	// package path at a version.
	goGrammar = newGrammar(`^(\.\.?(/[^\s@]*)?|[^\s@.][^\s@]*@[^\s@]+)$`)
	// urlGrammar is an http or https URL.
	urlGrammar = newGrammar(`^https?://[^\s/]+[^\s]*$`)
)

// GoPackage is a go: source: ./tools/gen or module/path/cmd/x@version.
type GoPackage string

func (g *GoPackage) decode(d *decoder, n *yaml.Node) {
	v, ok := decodeWord(d, n, "a Go package")
	switch {
	case !ok:
	case goGrammar.match(v):
		*g = GoPackage(v)
	case !strings.Contains(v, "@") && !strings.ContainsAny(v, " \t"):
		d.errorf(n, "go: %s has no version; write %s@v1.2.3 (or @latest, which wasmtasks.lock then pins), or start it with ./ if it is a package of the project", v, v)
	default:
		d.errorf(n, "go: %q is not a Go package; write ./tools/gen for a package of the project or example.com/mod/cmd/tool@v1.2.3", v)
	}
}

func (*GoPackage) jsonSchema() object { return object{"type": "string", "pattern": goGrammar.pattern} }

// URL is a url: source.
type URL string

func (u *URL) decode(d *decoder, n *yaml.Node) {
	decodeMatch(d, n, "a URL", urlGrammar, u, "url %q is not an http:// or https:// URL; wasmtasks downloads programs over HTTP(S) only")
}

func (*URL) jsonSchema() object { return object{"type": "string", "pattern": urlGrammar.pattern} }

// OCIRef is an oci: source.
type OCIRef string

// Its grammar is internal/ociref's, the one the pull parses with.
func (r *OCIRef) decode(d *decoder, n *yaml.Node) {
	v, ok := decodeWord(d, n, "an OCI reference")
	if !ok {
		return
	}
	if _, err := ociref.Parse(v); err != nil {
		d.errorf(n, "oci %q is not a reference: %v; write registry.example/org/tool:1.0 or registry.example/org/tool@sha256:…", v, err)
		return
	}
	*r = OCIRef(v)
}

// decodeMatch decodes a word (what it should be, for the error) into dst
// when g matches it, and reports it with complaint (a format of the value)
// otherwise: the shape shared by the sources whose grammar is one pattern.
func decodeMatch[T ~string](d *decoder, n *yaml.Node, what string, g grammar, dst *T, complaint string) {
	v, ok := decodeWord(d, n, what)
	switch {
	case !ok:
	case g.match(v):
		*dst = T(v)
	default:
		d.errorf(n, complaint, v)
	}
}

func (*OCIRef) jsonSchema() object { return object{"type": "string", "pattern": ociref.Pattern} }

// ArchivePath is a path inside an archive: relative, slash-separated,
// without a .. part.
type ArchivePath string

func (p *ArchivePath) decode(d *decoder, n *yaml.Node) {
	v, ok := decodeWord(d, n, "a path inside the archive")
	switch {
	case !ok:
	case strings.HasPrefix(v, "/") || strings.Contains(v, `\`) || globUp.MatchString(v):
		d.errorf(n, "%q is not a path inside the archive; write it from the archive's top, with / and without .., like package/bin/tool.wasm", v)
	default:
		*p = ArchivePath(path.Clean(v))
	}
}

func (*ArchivePath) jsonSchema() object {
	return object{"type": "string", "minLength": 1, "not": object{"anyOf": []any{
		object{"pattern": `^/`}, object{"pattern": globUp.String()}, object{"pattern": `\\`},
	}}}
}

// decodeWord reads a non-empty string with variables expanded.
func decodeWord(d *decoder, n *yaml.Node, want string) (string, bool) {
	if !d.expect(n, yaml.ScalarNode, want) {
		return "", false
	}
	v, ok := d.expand(n)
	if ok && v == "" {
		d.errorf(n, "empty value; want %s", want)
		return "", false
	}
	return v, ok
}
