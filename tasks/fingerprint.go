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
	// One write of the whole text: a hash costs per call, and a task's
	// settings are a hundred small pieces.
	w.Write(appendValue(make([]byte, 0, 512), reflect.ValueOf(s)))
}

func appendValue(b []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.Struct:
		b = append(b, '{')
		for _, f := range hashedFields(v.Type()) {
			b = append(b, f.label...)
			b = appendValue(b, v.Field(f.index))
			b = append(b, ' ')
		}
		return append(b, '}')
	case reflect.Slice:
		b = append(b, '[')
		for i := range v.Len() {
			b = appendValue(b, v.Index(i))
			b = append(b, ',')
		}
		return append(b, ']')
	case reflect.Pointer:
		if v.IsNil() {
			return append(b, "nil"...)
		}
		return appendValue(append(b, '&'), v.Elem())
	case reflect.String:
		return strconv.AppendQuote(b, v.String())
	case reflect.Int, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10)
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool())
	}
	panic("tasks: no fingerprint encoding for " + v.Type().String())
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
