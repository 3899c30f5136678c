package schema

import (
	"reflect"
	"sync"
)

// field is a key of a mapping: a `yaml`-tagged field of a struct, or of a
// struct embedded in it with `yaml:",inline"`.
type field struct {
	name  string
	index []int // for reflect.Value.FieldByIndex
	reflect.StructField
	// keyed, required and requires are the tags the decoder reads for
	// every mapping, parsed once.
	keyed, required bool
	requires        string
}

// mapping is what the decoder needs to know of a struct type: its keys,
// found by name, and its groups of alternatives. Working it out takes
// reflection and tag parsing, so it is done once per type rather than once
// per mapping decoded (a file of 5,000 tasks decodes 5,000 mappings of one
// type).
type mapping struct {
	keys   []field
	byName map[string]int
	names  []string
	groups []group
	pos    []int // index of a Pos field, or nil
}

var mappings sync.Map // reflect.Type → *mapping

// mappingOf returns the cached description of struct type t.
func mappingOf(t reflect.Type) *mapping {
	if m, ok := mappings.Load(t); ok {
		return m.(*mapping)
	}
	m := &mapping{keys: fieldsOf(t), byName: map[string]int{}}
	for i, f := range m.keys {
		m.byName[f.name] = i
		m.names = append(m.names, f.name)
	}
	m.groups = oneOfGroups(m.keys)
	if f, ok := t.FieldByName("Pos"); ok && f.Type == reflect.TypeFor[Pos]() {
		m.pos = f.Index
	}
	got, _ := mappings.LoadOrStore(t, m)
	return got.(*mapping)
}

// fieldsOf lists the keys of struct type t in declaration order, inlined
// structs' keys where they are embedded. The decoder and the JSON Schema
// both read the keys from here.
func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		switch {
		case tag == ",inline" && f.Anonymous && f.Type.Kind() == reflect.Struct:
			for _, in := range fieldsOf(f.Type) {
				in.index = append([]int{i}, in.index...)
				out = append(out, in)
			}
		case tag != "" && tag != "-":
			out = append(out, field{name: tag, index: []int{i}, StructField: f,
				keyed: f.Tag.Get("keyed") == "true", required: f.Tag.Get("required") == "true", requires: f.Tag.Get("requires")})
		}
	}
	return out
}

// group is a set of alternative keys: those tagged oneof:"NAME", of
// which a mapping gives exactly one.
type group struct {
	name string
	keys []string
}

// oneOfGroups lists the groups of alternative keys in declaration order.
func oneOfGroups(keys []field) []group {
	var out []group
	at := map[string]int{}
	for _, f := range keys {
		name := f.Tag.Get("oneof")
		if name == "" {
			continue
		}
		i, ok := at[name]
		if !ok {
			i, at[name] = len(out), len(out)
			out = append(out, group{name: name})
		}
		out[i].keys = append(out[i].keys, f.name)
	}
	return out
}
