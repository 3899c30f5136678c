package tasks

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/schema"
)

// mutation reaches one value inside the settings: apply fills in the path
// to it (allocating pointers and one-element lists) and, when change is
// set, gives the value itself a non-zero value.
type mutation struct {
	name    string
	ignored bool // the field or one around it is tagged hash:"ignore"
	apply   func(v reflect.Value, change bool)
}

func mutations(t *testing.T, typ reflect.Type) []mutation {
	var out []mutation
	switch typ.Kind() {
	case reflect.Pointer:
		for _, m := range mutations(t, typ.Elem()) {
			out = append(out, mutation{"*" + m.name, m.ignored, func(v reflect.Value, change bool) {
				v.Set(reflect.New(typ.Elem()))
				m.apply(v.Elem(), change)
			}})
		}
	case reflect.Slice:
		for _, m := range mutations(t, typ.Elem()) {
			out = append(out, mutation{"[0]" + m.name, m.ignored, func(v reflect.Value, change bool) {
				v.Set(reflect.MakeSlice(typ, 1, 1))
				m.apply(v.Index(0), change)
			}})
		}
	case reflect.Struct:
		for i := range typ.NumField() {
			f := typ.Field(i)
			for _, m := range mutations(t, f.Type) {
				out = append(out, mutation{"." + f.Name + m.name, m.ignored || f.Tag.Get("hash") == "ignore", func(v reflect.Value, change bool) {
					m.apply(v.Field(i), change)
				}})
			}
		}
	case reflect.String, reflect.Int, reflect.Int64, reflect.Bool:
		out = append(out, mutation{"", false, func(v reflect.Value, change bool) {
			if change {
				v.Set(reflect.ValueOf(map[reflect.Kind]any{reflect.String: "x", reflect.Int: 1, reflect.Int64: int64(1), reflect.Bool: true}[typ.Kind()]).Convert(typ))
			}
		}})
	default:
		t.Errorf("settings hold a %s, which the fingerprint test cannot change; teach it", typ)
	}
	return out
}

// TestFingerprintCoversEverySetting changes every value inside the
// settings, one at a time, down to the last field of a folder or a
// stream: the fingerprint must change, unless the field is tagged
// hash:"ignore" (then it must not), and places in the file must be
// ignored. A new setting is hashed without an
// edit to the fingerprint, and this test fails if it cannot be.
func TestFingerprintCoversEverySetting(t *testing.T) {
	ms := mutations(t, reflect.TypeFor[schema.Settings]())
	if len(ms) < 20 {
		t.Fatalf("only %d values found in the settings", len(ms))
	}
	for _, m := range ms {
		t.Run(m.name, func(t *testing.T) {
			if strings.Contains(m.name, ".Pos.") && !m.ignored {
				t.Fatal("a place in the file counts: moving a line would run the task again; tag the field hash:\"ignore\"")
			}
			var before, after schema.Settings
			m.apply(reflect.ValueOf(&before).Elem(), false)
			m.apply(reflect.ValueOf(&after).Elem(), true)
			if reflect.DeepEqual(before, after) {
				t.Fatal("the mutation changed nothing")
			}
			var a, b bytes.Buffer
			writeSettings(&a, before)
			writeSettings(&b, after)
			if changed := a.String() != b.String(); changed == m.ignored {
				t.Errorf("fingerprint changed: %v, but hash:\"ignore\" is %v\nbefore %s\nafter  %s", changed, m.ignored, &a, &b)
			}
		})
	}
}
