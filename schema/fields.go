package schema

import "reflect"

// field is a key of a mapping: a `yaml`-tagged field of a struct, or of a
// struct embedded in it with `yaml:",inline"`.
type field struct {
	name  string
	index []int // for reflect.Value.FieldByIndex
	reflect.StructField
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
			out = append(out, field{name: tag, index: []int{i}, StructField: f})
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
