package schema

import (
	"github.com/wasmtasks/wasmtasks/internal/safefs"

	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxFileBytes bounds the task file read: a FIFO, a device or a huge file
// in its place is refused instead of blocking or exhausting memory.
const maxFileBytes = 64 << 20

// Load reads, decodes and validates the task file at path. Variables are
// looked up in vars: and the process environment. A file with problems
// returns [Errors], listing every one.
func Load(path string) (*File, error) {
	data, err := safefs.ReadRegular(path, maxFileBytes, false)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	return Parse(path, data, os.LookupEnv)
}

// Parse decodes and validates data as the task file at path: path names
// the file in errors, and relative paths in it are resolved against its
// folder. lookupEnv reads the environment for ${NAME} expansion.
func Parse(path string, data []byte, lookupEnv func(string) (string, bool)) (*File, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("schema: %w", err)
	}
	d := &decoder{file: path, dir: filepath.Dir(abs), lookupEnv: lookupEnv}
	f := &File{Path: path, Dir: d.dir}
	root, ok := d.document(data)
	if ok {
		d.decodeFile(root, f)
		d.validate(f)
	}
	if len(d.errs) > 0 {
		return nil, d.errs.report()
	}
	return f, nil
}

type decoder struct {
	file        string
	dir         string
	lookupEnv   func(string) (string, bool)
	vars        map[string]string
	errs        Errors
	suggestCost int // steps spent on "did you mean"
	budget
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.errs = append(d.errs, &Error{File: d.file, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)})
}

// document parses the YAML text; the file must hold exactly one mapping.
func (d *decoder) document(data []byte) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errs = append(d.errs, &Error{File: d.file, Line: 1, Col: 1, Msg: "the file is empty; start it with 'version: 1'"})
		} else {
			d.syntaxError(err, data)
		}
		return nil, false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.errorf(&extra, "a second YAML document; a task file holds one (remove the '---')")
		return nil, false
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		d.errorf(root, "the file must be a mapping of keys (version, vars, components, tasks), not %s", describe(root))
		return nil, false
	}
	return root, true
}

func (d *decoder) decodeFile(root *yaml.Node, f *File) {
	// vars first: every other value may refer to them.
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "vars" {
			d.decodeValue(root.Content[i+1], reflect.ValueOf(&f.Vars).Elem())
		}
	}
	if d.vars == nil {
		d.vars = map[string]string{}
	}
	d.decodeStruct(root, reflect.ValueOf(f).Elem(), map[string]bool{"vars": true})
	if v := d.keyNode(root, "version"); v != root && v.ShortTag() == "!!int" && f.Version != Version {
		d.errorf(v, "unsupported version %s; this wasmtasks reads version %d", v.Value, Version)
	}
}

// keyNode returns the value node of key in mapping m, or m itself.
func (d *decoder) keyNode(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return m
}

// decodable is a type that decodes itself from a node.
type decodable interface {
	decode(d *decoder, n *yaml.Node)
}

var decodableType = reflect.TypeFor[decodable]()

func (d *decoder) decodeValue(n *yaml.Node, v reflect.Value) {
	n, ok := d.resolve(n)
	if !ok {
		return
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	if reflect.PointerTo(v.Type()).Implements(decodableType) {
		v.Addr().Interface().(decodable).decode(d, n)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		if d.expect(n, yaml.MappingNode, "a mapping") {
			d.decodeStruct(n, v, nil)
		}
	case reflect.Slice:
		if d.expect(n, yaml.SequenceNode, "a list") {
			v.Set(reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content)))
			for i, item := range n.Content {
				d.decodeValue(item, v.Index(i))
			}
		}
	case reflect.String:
		if d.expect(n, yaml.ScalarNode, "a string") {
			v.SetString(n.Value)
		}
	case reflect.Bool:
		if b, ok := d.decodeBool(n); ok {
			v.SetBool(b)
		}
	case reflect.Int:
		var i int
		if d.decodeInt(n, &i) {
			v.SetInt(int64(i))
		}
	default:
		panic("schema: cannot decode into " + v.Type().String())
	}
}

// decodeInt reads a whole number into i, reporting false with an error if
// n is not one.
func (d *decoder) decodeInt(n *yaml.Node, i *int) bool {
	if !d.expect(n, yaml.ScalarNode, "a whole number") {
		return false
	}
	v, err := strconv.Atoi(n.Value)
	if n.ShortTag() != "!!int" || err != nil {
		d.errorf(n, "want a whole number, not %q", n.Value)
		return false
	}
	*i = v
	return true
}

// expect reports whether n is of the wanted kind, with an error if not.
func (d *decoder) expect(n *yaml.Node, kind yaml.Kind, want string) bool {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		d.errorf(n, "no value given; want %s (or remove the key)", want)
		return false
	}
	if n.Kind != kind {
		d.errorf(n, "want %s, not %s", want, describe(n))
		return false
	}
	return true
}

// describe names what a node holds, for error messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "null"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an alias"
}

// decodeStruct decodes a mapping into the struct's `yaml`-tagged fields:
// unknown keys, duplicate keys and missing required keys are errors. Keys
// in skip were decoded already.
func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, skip map[string]bool) {
	m := mappingOf(v.Type())
	if m.pos != nil {
		if pv := v.FieldByIndex(m.pos); !pv.Interface().(Pos).set() {
			pv.Set(reflect.ValueOf(posOf(n)))
		}
	}
	// seen is indexed like m.keys: a mapping has few keys, so a slice
	// costs less than a map for every one decoded.
	seen := make([]*yaml.Node, len(m.keys))
	merged := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		if key.Kind != yaml.ScalarNode {
			d.errorf(key, "keys must be plain words, not %s", describe(key))
			continue
		}
		if key.Value == "<<" {
			d.errorf(key, "merge keys (<<) are not supported; repeat the keys or use an alias for a whole value")
			merged = true
			continue
		}
		at, ok := m.byName[key.Value]
		if !ok {
			d.errorf(key, "unknown key %q%s", key.Value, d.suggestOrList(key.Value, m.names))
			continue
		}
		if prev := seen[at]; prev != nil {
			d.errorf(key, "duplicate key %q (first at line %d); remove one", key.Value, prev.Line)
			continue
		}
		seen[at] = key
		if skip[key.Value] {
			continue
		}
		f := &m.keys[at]
		if f.keyed {
			d.decodeKeyed(val, v.FieldByIndex(f.index))
		} else {
			d.decodeValue(val, v.FieldByIndex(f.index))
		}
	}
	if merged {
		return
	}
	for i, f := range m.keys {
		if f.required && seen[i] == nil {
			d.errorf(n, "missing key %q%s", f.name, explain(f.Tag.Get("doc")))
		}
	}
	d.checkOneOf(n, m, seen)
	d.checkRequires(v, m, seen)
}

// checkOneOf reports a group of alternative keys (tagged oneof:"GROUP")
// of which none or more than one was given.
func (d *decoder) checkOneOf(n *yaml.Node, m *mapping, seen []*yaml.Node) {
	for _, g := range m.groups {
		var given []string
		for _, k := range g.keys {
			if seen[m.byName[k]] != nil {
				given = append(given, k)
			}
		}
		node := func(k string) *yaml.Node { return seen[m.byName[k]] }
		sort.Slice(given, func(i, j int) bool { return before(node(given[i]), node(given[j])) })
		switch {
		case len(given) == 0:
			d.errorf(n, "missing the %s: give one of %s", g.name, quoteAll(g.keys))
		case len(given) > 1:
			for _, k := range given[1:] {
				d.errorf(node(k), "%q and %q both give the %s; keep one of them", given[0], k, g.name)
			}
		}
	}
}

// checkRequires reports a key tagged requires:"OTHER" that was given
// without OTHER (a flag: without OTHER: true). The message explains with
// the key's why tag, else the first sentence of OTHER's doc.
func (d *decoder) checkRequires(v reflect.Value, m *mapping, seen []*yaml.Node) {
	for i, f := range m.keys {
		need := f.requires
		if need == "" || seen[i] == nil {
			continue
		}
		at := m.byName[need]
		nf := m.keys[at]
		why := f.Tag.Get("why")
		if why == "" {
			why = firstSentence(nf.Tag.Get("doc"))
		}
		switch {
		case nf.Type.Kind() == reflect.Bool:
			if !v.FieldByIndex(nf.index).Bool() {
				d.errorf(seen[i], "%q needs %s: true beside it%s", f.name, need, explain(why))
			}
		case seen[at] == nil:
			d.errorf(seen[i], "%q needs %q beside it%s", f.name, need, explain(why))
		}
	}
}

// firstSentence is doc up to its first full stop and space.
func firstSentence(doc string) string {
	if i := strings.Index(doc, ". "); i >= 0 {
		return doc[:i+1]
	}
	return doc
}

func before(a, b *yaml.Node) bool {
	return a.Line < b.Line || (a.Line == b.Line && a.Column < b.Column)
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

func (d *decoder) suggestOrList(got string, known []string) string {
	if s := d.suggest(got, known); s != "" {
		return s
	}
	return "; known keys: " + strings.Join(known, ", ")
}

// explain turns a field's doc into a parenthesis for an error message.
func explain(doc string) string {
	if doc == "" {
		return ""
	}
	return " (" + strings.ToLower(doc[:1]) + strings.TrimSuffix(doc[1:], ".") + ")"
}

func posOf(n *yaml.Node) Pos { return Pos{Line: n.Line, Col: n.Column} }

func (p Pos) set() bool { return p.Line != 0 }

// decodeKeyed decodes a mapping of names to structs into a slice of struct
// pointers, in file order, setting each one's Name and Pos (the key's).
func (d *decoder) decodeKeyed(n *yaml.Node, v reflect.Value) {
	n, ok := d.resolve(n)
	if !ok || !d.expect(n, yaml.MappingNode, "a mapping of names") {
		return
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		if key.Kind != yaml.ScalarNode {
			d.errorf(key, "names must be plain words, not %s", describe(key))
			continue
		}
		if line, dup := seen[key.Value]; dup {
			d.errorf(key, "%q is defined twice (first at line %d); rename or remove one", key.Value, line)
			continue
		}
		seen[key.Value] = key.Line
		if !validName(key.Value) {
			d.errorf(key, "name %q cannot be typed on a command line; use letters, digits, '-', '_' and '.', starting with a letter or digit", key.Value)
		}
		item := reflect.New(v.Type().Elem().Elem())
		item.Elem().FieldByName("Name").SetString(key.Value)
		item.Elem().FieldByName("Pos").Set(reflect.ValueOf(posOf(key)))
		if val.Kind == yaml.ScalarNode && val.ShortTag() == "!!null" {
			d.errorf(val, "%q has no settings; give it at least the required keys", key.Value)
		} else {
			d.decodeValue(val, item.Elem())
		}
		v.Set(reflect.Append(v, item))
	}
}

func reflectValue(p any) reflect.Value { return reflect.ValueOf(p).Elem() }
