package schema

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestParseGoodFile(t *testing.T) {
	path := filepath.Join("testdata", "good", "wasmtasks.yaml")
	data, _ := os.ReadFile(path)
	f, err := Parse(path, data, env)
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(filepath.Join("testdata", "good"))
	if f.Version != 1 || f.Dir != abs || len(f.Components) != 2 || len(f.Tasks) != 2 {
		t.Fatalf("file %+v", f)
	}
	fmtc, check := f.Components[0], f.Tasks[1]
	checks := []struct {
		name      string
		got, want any
	}{
		{"component order", []string{f.Components[0].Name, f.Components[1].Name}, []string{"fmt", "gen"}},
		{"task order", []string{f.Tasks[0].Name, f.Tasks[1].Name}, []string{"generate", "check"}},
		{"component pos", fmtc.Pos, Pos{Line: 7, Col: 3}},
		{"path", fmtc.Path.Abs, filepath.Join(abs, "..", "tools", "prog.wasm")},
		{"sha256", fmtc.SHA256, Digest("9f2c000000000000000000000000000000000000000000000000000000000001")},
		{"args", fmtc.Args, []String{"--check", "${literal}"}},
		{"env", fmtc.Env, Env{{"LANG", "C"}, {"OUT", "build/wasm32"}}},
		{"inherit_env names", fmtc.InheritEnv, InheritEnv{Names: []string{"HOME"}}},
		{"inherit_env all", f.Components[1].InheritEnv, InheritEnv{All: true}},
		{"stdin", *fmtc.Stdin, Input{Mode: StreamNone}},
		{"stdout", *fmtc.Stdout, Output{Mode: StreamInherit}},
		{"stderr", fmtc.Stderr.File.Raw + " " + fmtc.Stderr.Mode, "build/wasm32/fmt.log file"},
		{"stderr append", fmtc.Stderr.Append, true},
		{"dirs", []any{fmtc.Dirs[0].Host.Raw, fmtc.Dirs[0].Guest, fmtc.Dirs[0].ReadOnly}, []any{"../src", String("/src"), true}},
		{"timeout", time.Duration(fmtc.Timeout), 30 * time.Second},
		{"memory", int64(fmtc.Memory), int64(512 << 20)},
		{"task args", check.Args, []String{"/src", "fallback", "build/wasm32/deep"}},
		{"task component", check.Component.Name, "fmt"},
		{"deps", check.Deps[0].Name, "generate"},
		{"task stdin", check.Stdin.File.Raw, "input.txt"},
		{"task timeout", time.Duration(check.Timeout), 90 * time.Second},
		{"outputs", f.Tasks[0].Outputs[0].Pattern, "build/wasm32/gen.c"},
		{"inputs", f.Tasks[0].Inputs[0].Pattern, "src/**/*.c"},
		{"vars", f.Vars, Vars{{"OUT", "build/wasm32"}, {"DEEP", "build/wasm32/deep"}}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %#v, want %#v", c.name, c.got, c.want)
		}
	}
}
