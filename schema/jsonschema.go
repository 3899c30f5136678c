package schema

import (
	"encoding/json"
	"reflect"
	"strings"
)

// SchemaID is the $id of the generated JSON Schema.
const SchemaID = "https://wasmtasks.dev/schema/wasmtasks.schema.json"

// JSONSchema returns the JSON Schema (draft 2020-12) of the task file,
// generated from the Go types' `yaml`, `doc` and `required` tags, so it
// cannot drift from what the decoder accepts.
func JSONSchema() []byte {
	s := structSchema(reflect.TypeFor[File]())
	s["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	s["$id"] = SchemaID
	s["title"] = "wasmtasks task file (wasmtasks.yaml)"
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(b, '\n')
}

type object = map[string]any

func structSchema(t reflect.Type) object {
	props := object{}
	var required []string
	for _, f := range fieldsOf(t) {
		var p object
		if f.Tag.Get("keyed") == "true" {
			p = object{
				"type":                 "object",
				"propertyNames":        object{"pattern": nameGrammar.pattern},
				"additionalProperties": structSchema(f.Type.Elem().Elem()),
			}
		} else {
			p = typeSchema(f.Type)
		}
		if doc := describeField(f, p); doc != "" {
			p["description"] = doc
		}
		props[f.name] = p
		if f.Tag.Get("required") == "true" {
			required = append(required, f.name)
		}
	}
	s := object{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	addAlternatives(s, fieldsOf(t))
	return s
}

// addAlternatives states the oneof and requires tags: exactly one key of
// each group (oneOf of required), and keys that need another
// (dependentRequired).
func addAlternatives(s object, keys []field) {
	var groups []any
	for _, g := range oneOfGroups(keys) {
		var alts []any
		for _, k := range g.keys {
			alts = append(alts, object{"required": []string{k}})
		}
		groups = append(groups, object{"oneOf": alts})
	}
	switch len(groups) {
	case 0:
	case 1:
		s["oneOf"] = groups[0].(object)["oneOf"]
	default:
		s["allOf"] = groups
	}
	deps := object{}
	for _, f := range keys {
		if need := f.Tag.Get("requires"); need != "" {
			deps[f.name] = []string{need}
		}
	}
	if len(deps) > 0 {
		s["dependentRequired"] = deps
	}
}

// describeField joins the field's doc, its merge rule and what its type's
// schema says (the bounds a pattern cannot express).
func describeField(f field, p object) string {
	var parts []string
	for _, s := range []string{f.Tag.Get("doc"), mergeDocs[f.Tag.Get("merge")]} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if s, ok := p["description"].(string); ok {
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func typeSchema(t reflect.Type) object {
	if s, ok := leafSchema(t); ok {
		return s
	}
	switch t.Kind() {
	case reflect.Int:
		return object{"type": "integer"}
	case reflect.Bool:
		return object{"type": "boolean"}
	case reflect.String:
		return object{"type": "string"}
	case reflect.Slice:
		return object{"type": "array", "items": typeSchema(t.Elem())}
	case reflect.Pointer:
		return typeSchema(t.Elem())
	case reflect.Struct:
		return structSchema(t)
	}
	panic("schema: no JSON Schema for " + t.String())
}

// schemer is a leaf type that states its own JSON Schema, beside the
// decoder that it must agree with.
type schemer interface {
	jsonSchema() object
}

var schemerType = reflect.TypeFor[schemer]()

// leafSchema is the schema of a type that states its own. A type that
// decodes itself must: its rules are its own, not its Go kind's.
func leafSchema(t reflect.Type) (object, bool) {
	switch {
	case t.Kind() == reflect.Pointer:
	case reflect.PointerTo(t).Implements(schemerType):
		return reflect.New(t).Interface().(schemer).jsonSchema(), true
	case reflect.PointerTo(t).Implements(decodableType):
		panic("schema: " + t.String() + " decodes itself but states no JSON Schema")
	}
	return nil, false
}

func streamSchema(words []string, output bool) object {
	file := object{"file": object{"type": "string", "minLength": 1}}
	if output {
		file["append"] = object{"type": "boolean"}
	}
	return object{"oneOf": []any{
		object{"enum": words},
		object{"type": "object", "properties": file, "required": []string{"file"}, "additionalProperties": false},
	}}
}
