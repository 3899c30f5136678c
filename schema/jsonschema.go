package schema

import (
	"encoding/json"
	"fmt"
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
	return s
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

// leafSchema is the schema of each type that decodes itself, built from
// the grammar and bounds its decoder checks.
func leafSchema(t reflect.Type) (object, bool) {
	envName := object{"type": "string", "pattern": envNameGrammar.pattern}
	switch t {
	case reflect.TypeFor[String](), reflect.TypeFor[HostPath](), reflect.TypeFor[Ref]():
		return object{"type": "string", "minLength": 1}, true
	case reflect.TypeFor[Digest]():
		return object{"type": "string", "pattern": digestGrammar.pattern}, true
	case reflect.TypeFor[Glob]():
		return object{"type": "string", "minLength": 1, "not": object{"pattern": `^(/|\.\./|\.\.$)`}}, true
	case reflect.TypeFor[Env](), reflect.TypeFor[Vars]():
		return object{"type": "object", "propertyNames": envName, "additionalProperties": object{"type": "string"}}, true
	case reflect.TypeFor[InheritEnv]():
		return object{"oneOf": []any{object{"type": "boolean"}, object{"type": "array", "items": envName}}}, true
	case reflect.TypeFor[*Input]():
		return streamSchema([]string{StreamNone, StreamInherit}, false), true
	case reflect.TypeFor[*Output]():
		return streamSchema([]string{StreamInherit, StreamDiscard}, true), true
	case reflect.TypeFor[Duration]():
		return object{"type": "string", "pattern": durationGrammar.pattern,
			"description": fmt.Sprintf("Give it between %s and %s.", MinDuration, MaxDuration)}, true
	case reflect.TypeFor[Size]():
		return object{"type": "string", "pattern": sizeGrammar.pattern,
			"description": "Give it " + sizeRange + "."}, true
	case reflect.TypeFor[ExitCodes]():
		return object{"type": "array", "minItems": 1,
			"items": object{"type": "integer", "minimum": MinExitCode, "maximum": MaxExitCode}}, true
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
