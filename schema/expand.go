package schema

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// expand replaces ${NAME} and ${NAME:-default} in a scalar's value, and $$
// by $. NAME is looked up in the file's vars, then the process environment;
// an undefined NAME without a default is an error, never an empty string.
func (d *decoder) expand(n *yaml.Node) (string, bool) {
	s := n.Value
	if !strings.Contains(s, "$") {
		return s, true
	}
	var b strings.Builder
	last := "" // the last variable expanded, which a value too long names
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 {
			// The text after the last variable counts too.
			if last != "" && b.Len()+len(s) > maxExpanded {
				d.tooLong(n, last)
				return "", false
			}
			b.WriteString(s)
			return b.String(), true
		}
		b.WriteString(s[:i])
		s = s[i+1:]
		switch {
		case strings.HasPrefix(s, "$"):
			b.WriteByte('$')
			s = s[1:]
		case strings.HasPrefix(s, "{"):
			end := strings.IndexByte(s, '}')
			if end < 0 {
				d.errorf(n, "unclosed ${ in %q; write ${NAME}, or $$ for a literal $", n.Value)
				return "", false
			}
			name, v, ok := d.lookup(n, s[1:end])
			switch {
			case !ok:
				return "", false
			case b.Len()+len(v) > maxExpanded:
				d.tooLong(n, name)
				return "", false
			case !d.chargeExpanded(n, name, len(v)):
				return "", false
			}
			b.WriteString(v)
			s, last = s[end+1:], name
		default:
			d.errorf(n, "bare $ in %q; write ${NAME} to use a variable, or $$ for a literal $", n.Value)
			return "", false
		}
	}
}

// lookup finds the value of ref, NAME or NAME:-default. A variable of the
// file that failed to expand fails quietly: its own error says why.
func (d *decoder) lookup(n *yaml.Node, ref string) (name, value string, ok bool) {
	name, def, hasDefault := strings.Cut(ref, ":-")
	if !validEnvName(name) {
		d.errorf(n, "${%s}: %q is not a variable name; use letters, digits and '_'", ref, name)
		return name, "", false
	}
	if d.broken[name] {
		return name, "", false
	}
	if v, ok := d.vars[name]; ok {
		return name, v, true
	}
	if d.lookupEnv != nil {
		if v, ok := d.lookupEnv(name); ok {
			return name, v, true
		}
	}
	if hasDefault {
		return name, def, true
	}
	d.errorf(n, "undefined variable %s; define it under vars:, set it in the environment, or give a default: ${%s:-value}", name, name)
	return name, "", false
}
