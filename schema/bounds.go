package schema

import "go.yaml.in/yaml/v3"

// The bounds of what reading one task file may cost. A file of 50,000
// tasks, the largest we mean to serve, must fit well inside each; a
// hostile file of a few hundred bytes must hit one in well under a second.
const (
	// maxValues bounds the values decoded, counting what an alias stands
	// for at each use: a task is 5 to 20 values, so 50,000 tasks fit.
	maxValues = 1_000_000
	// maxAliasValues bounds the values that aliases stand for, counted
	// in full before they are decoded, so that nested aliases that double
	// at each level stop at the first use that goes past it.
	maxAliasValues = maxValues
	// maxExpanded bounds one value after ${NAME} expansion.
	maxExpanded = 64 << 10
	// maxExpandedTotal bounds the bytes that expansion writes in a file.
	maxExpandedTotal = 16 << 20
)

// budget counts what decoding has cost so far.
type budget struct {
	values  int                // values decoded
	aliased int                // values that aliases stood for
	sizes   map[*yaml.Node]int // values under an anchored node
	over    bool               // a bound was passed and reported
	aliases bool               // the file uses aliases

	expanded     int             // bytes that variables wrote into values
	expandedOver bool            // expanded passed its bound, reported
	broken       map[string]bool // vars that failed, so uses fail quietly
}

// resolve follows an alias and charges the node against the bounds; false
// means a bound was passed (reported once) and decoding stops.
func (d *decoder) resolve(n *yaml.Node) (*yaml.Node, bool) {
	if d.over {
		return n, false
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		d.aliases = true
		d.aliased += d.size(n.Alias)
		if d.aliased > maxAliasValues {
			d.errorf(n, "aliases stand for more than %s values in all (each use counts what its anchor holds); use them less often or anchor smaller values", count(maxAliasValues))
			d.over = true
			return n, false
		}
		n = n.Alias
	}
	d.values++
	if d.values > maxValues {
		d.errorf(n, "the file has more than %s values%s; wasmtasks reads files of up to about 50,000 tasks", count(maxValues), d.aliasNote())
		d.over = true
		return n, false
	}
	return n, true
}

func (d *decoder) aliasNote() string {
	if d.aliases {
		return " (counting what each alias stands for at each use)"
	}
	return ""
}

// size counts the values under n with aliases followed, stopping past
// maxAliasValues; sizes are remembered, so nested aliases cost one visit.
func (d *decoder) size(n *yaml.Node) int {
	if s, ok := d.sizes[n]; ok {
		return s
	}
	if d.sizes == nil {
		d.sizes = map[*yaml.Node]int{}
	}
	d.sizes[n] = maxAliasValues + 1 // an anchor that holds itself is endless
	s := 1
	for _, c := range n.Content {
		if c.Kind == yaml.AliasNode && c.Alias != nil {
			s += d.size(c.Alias)
		} else {
			s += d.size(c)
		}
		if s > maxAliasValues {
			s = maxAliasValues + 1
			break
		}
	}
	d.sizes[n] = s
	return s
}

// tooLong reports a value that expansion made longer than maxExpanded.
func (d *decoder) tooLong(n *yaml.Node, name string) {
	d.errorf(n, "value too long: with ${%s} it grows past %d KiB, the most one value may be; use shorter variables", name, maxExpanded>>10)
}

// chargeExpanded counts bytes that expansion wrote; past the file's total
// it reports once, naming the variable, and every later expansion fails.
func (d *decoder) chargeExpanded(n *yaml.Node, name string, bytes int) bool {
	if d.expandedOver {
		return false
	}
	if d.expanded+bytes > maxExpandedTotal {
		d.errorf(n, "variables expand to more than %d MiB in this file (here ${%s}); use long variables in fewer places", maxExpandedTotal>>20, name)
		d.expandedOver = true
		return false
	}
	d.expanded += bytes
	return true
}

// markBroken notes a variable of the file that failed to decode.
func (d *decoder) markBroken(name string) {
	if d.broken == nil {
		d.broken = map[string]bool{}
	}
	d.broken[name] = true
}
