package schema

import (
	"path/filepath"
	"testing"
)

// TestYAMLBooleans: every spelling YAML 1.2's core schema gives a boolean
// means that boolean, for every key that takes one. `inherit_env: True`
// was read as false.
func TestYAMLBooleans(t *testing.T) {
	for _, c := range []struct {
		word string
		want bool
	}{{"true", true}, {"True", true}, {"TRUE", true}, {"!!bool true", true}, {"false", false}, {"False", false}, {"FALSE", false}} {
		t.Run(c.word, func(t *testing.T) {
			data := []byte("version: 1\ncomponents:\n  c:\n    path: ../tools/prog.wasm\n" +
				"    inherit_env: " + c.word + "\n" +
				"    stdout: {file: out.txt, append: " + c.word + "}\n" +
				"    dirs: [{host: ., guest: /src, readonly: " + c.word + "}]\n")
			f, err := Parse(filepath.Join("testdata", "good", "bools.yaml"), data, env)
			if err != nil {
				t.Fatal(err)
			}
			comp := f.Components[0]
			if got := []bool{comp.InheritEnv.All, comp.Stdout.Append, comp.Dirs[0].ReadOnly}; got[0] != c.want || got[1] != c.want || got[2] != c.want {
				t.Fatalf("inherit_env, append, readonly = %v, want all %v", got, c.want)
			}
		})
	}
}
