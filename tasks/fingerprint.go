package tasks

import (
	"io"
	"reflect"
	"strconv"
	"sync"

	"github.com/wasmtasks/wasmtasks/schema"
)

// writeSettings writes the merged settings to w for the up-to-date
// fingerprint, walking the struct so that a new setting counts without an
// edit here. The encoding is stable text: a struct is {Name:value ...} with
// every field in declaration order by its Go name, except those tagged
// `hash:"ignore"` (places in the file); a list is [value,...]; a pointer
// nil or &value; a string quoted as Go does; numbers in decimal; booleans
// true or false. A field of a kind without an encoding panics, which the
// tests catch.
func writeSettings(w io.Writer, s schema.Settings) {
	writeValue(w, reflect.ValueOf(s))
}

func writeValue(w io.Writer, v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		io.WriteString(w, "{")
		for _, f := range hashedFields(v.Type()) {
			io.WriteString(w, f.label)
			writeValue(w, v.Field(f.index))
			io.WriteString(w, " ")
		}
		io.WriteString(w, "}")
	case reflect.Slice:
		io.WriteString(w, "[")
		for i := range v.Len() {
			writeValue(w, v.Index(i))
			io.WriteString(w, ",")
		}
		io.WriteString(w, "]")
	case reflect.Pointer:
		if v.IsNil() {
			io.WriteString(w, "nil")
			return
		}
		io.WriteString(w, "&")
		writeValue(w, v.Elem())
	case reflect.String:
		io.WriteString(w, strconv.Quote(v.String()))
	case reflect.Int, reflect.Int64:
		io.WriteString(w, strconv.FormatInt(v.Int(), 10))
	case reflect.Bool:
		io.WriteString(w, strconv.FormatBool(v.Bool()))
	default:
		panic("tasks: no fingerprint encoding for " + v.Type().String())
	}
}

// hashedField is a struct field that the fingerprint covers.
type hashedField struct {
	label string // "Name:"
	index int
}

var hashedFieldsOf sync.Map // reflect.Type → []hashedField

// hashedFields lists the fields of struct type t not tagged
// `hash:"ignore"`, read from the tags once per type: every task's check
// writes its settings.
func hashedFields(t reflect.Type) []hashedField {
	if fs, ok := hashedFieldsOf.Load(t); ok {
		return fs.([]hashedField)
	}
	var fs []hashedField
	for i := range t.NumField() {
		if f := t.Field(i); f.Tag.Get("hash") != "ignore" {
			fs = append(fs, hashedField{label: f.Name + ":", index: i})
		}
	}
	hashedFieldsOf.Store(t, fs)
	return fs
}
