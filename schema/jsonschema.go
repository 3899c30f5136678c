package schema

import (
	"encoding/json"
	"reflect"
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
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("yaml")
		if name == "" || name == "-" {
			continue
		}
		var p object
		if f.Tag.Get("keyed") == "true" {
			p = object{
				"type":                 "object",
				"propertyNames":        object{"pattern": namePattern},
				"additionalProperties": structSchema(f.Type.Elem().Elem()),
			}
		} else {
			p = typeSchema(f.Type)
		}
		if doc := f.Tag.Get("doc"); doc != "" {
			p["description"] = doc
		}
		props[name] = p
		if f.Tag.Get("required") == "true" {
			required = append(required, name)
		}
	}
	s := object{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// namePattern is validName as a regular expression.
const namePattern = `^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`

const envNamePattern = `^[A-Za-z_][A-Za-z0-9_]*$`

func typeSchema(t reflect.Type) object {
	switch t {
	case reflect.TypeFor[String](), reflect.TypeFor[HostPath](), reflect.TypeFor[Ref]():
		return object{"type": "string", "minLength": 1}
	case reflect.TypeFor[Digest]():
		return object{"type": "string", "pattern": "^(sha256:)?[0-9a-fA-F]{64}$"}
	case reflect.TypeFor[Glob]():
		return object{"type": "string", "minLength": 1, "not": object{"pattern": `^(/|\.\./|\.\.$)`}}
	case reflect.TypeFor[Env](), reflect.TypeFor[Vars]():
		return object{"type": "object", "propertyNames": object{"pattern": envNamePattern}, "additionalProperties": object{"type": "string"}}
	case reflect.TypeFor[InheritEnv]():
		return object{"oneOf": []any{
			object{"type": "boolean"},
			object{"type": "array", "items": object{"type": "string", "pattern": envNamePattern}},
		}}
	case reflect.TypeFor[*Input]():
		return streamSchema([]string{StreamNone, StreamInherit}, false)
	case reflect.TypeFor[*Output]():
		return streamSchema([]string{StreamInherit, StreamDiscard}, true)
	case reflect.TypeFor[Duration]():
		return object{"type": "string", "pattern": `^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$`}
	case reflect.TypeFor[Size]():
		return object{"type": "string", "pattern": `^[0-9]+(\.[0-9]+)? ?(B|K|M|G|T|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?$`}
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
