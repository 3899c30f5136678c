package schema

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// decodeBool reads a boolean as the YAML 1.2 core schema defines it: true,
// True, TRUE, false, False or FALSE. Every boolean of the file is read
// here, so that no key takes `yes`, or `!!bool yes`, for either.
func (d *decoder) decodeBool(n *yaml.Node) (value, ok bool) {
	if !d.expect(n, yaml.ScalarNode, "true or false") {
		return false, false
	}
	switch {
	case n.ShortTag() == "!!bool" && (n.Value == "true" || n.Value == "True" || n.Value == "TRUE"):
		return true, true
	case n.ShortTag() == "!!bool" && (n.Value == "false" || n.Value == "False" || n.Value == "FALSE"):
		return false, true
	case n.ShortTag() == "!!bool":
		d.errorf(n, "%q is not a YAML boolean (YAML 1.2 has only true and false); write true or false", n.Value)
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 && (strings.EqualFold(n.Value, "true") || strings.EqualFold(n.Value, "false")):
		d.errorf(n, "want true or false, not the string %q; remove the quotes", n.Value)
	default:
		d.errorf(n, "want true or false, not %q", n.Value)
	}
	return false, false
}
