package schema

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// FuzzParse feeds the parser random and mutated task files: it must return
// a file or located errors, never panic or hang. The committed corpus is in
// testdata/fuzz/FuzzParse; the normal test run replays it.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*", "*.yaml"))
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("a: &a [*a, *a]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b]\n"))
	path := filepath.Join("testdata", "good", "fuzz.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		// A hang is a bug too: make it fail with the input that caused it.
		tm := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("SLOW INPUT %q", data)) })
		defer tm.Stop()
		file, err := Parse(path, data, env)
		if err == nil {
			if file == nil || file.Version != Version {
				t.Fatalf("accepted a file without version 1: %+v", file)
			}
			return
		}
		var es Errors
		if !errors.As(err, &es) || len(es) == 0 {
			t.Fatalf("error is %T, want Errors: %v", err, err)
		}
		for _, e := range es {
			if e.Line < 1 || e.Col < 1 || e.Msg == "" {
				t.Fatalf("error without a place or message: %+v", e)
			}
		}
	})
}

// FuzzExpand feeds ${NAME} expansion random variables (one a line, named
// V0, V1, …, each may use those above it) and a random value: it must
// never panic, and each value and the whole file stay within the bounds
// however the variables nest. The committed corpus is in
// testdata/fuzz/FuzzExpand.
func FuzzExpand(f *testing.F) {
	f.Add("x\n${V0}${V0}\n${V1}${V1}${V1}${V1}", "a ${V2} b $$ ${HOME} ${NONE:-d}")
	f.Add("${V0}", "${V0:-${V0}}")
	f.Add("${HOME}${HOME}", "${V0}${V0}${V0}${V0}${V0}${V0}${V0}${V0}")
	f.Fuzz(func(t *testing.T, vars, value string) {
		d := &decoder{file: "fuzz.yaml", lookupEnv: env}
		m := &yaml.Node{Kind: yaml.MappingNode, Line: 1, Column: 1}
		for i, v := range strings.Split(vars, "\n") {
			m.Content = append(m.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: fmt.Sprintf("V%d", i), Line: i + 1, Column: 1},
				&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Line: i + 1, Column: 5})
		}
		var vs Vars
		vs.decode(d, m)
		got, ok := d.expand(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value, Line: 1, Column: 1})
		for _, e := range append(vs, EnvVar{"value", got}) {
			if len(e.Value) > max(maxExpanded, len(value), len(vars)) {
				t.Fatalf("%s is %d bytes, past the bound", e.Name, len(e.Value))
			}
		}
		if d.expanded > maxExpandedTotal {
			t.Fatalf("expanded %d bytes in all, past the bound", d.expanded)
		}
		if !ok && len(d.errs) == 0 && !d.expandedOver && !mentionsBroken(d, value) {
			t.Fatalf("expansion of %q failed without an error", value)
		}
		for _, e := range d.errs {
			if e.Line < 1 || e.Col < 1 || e.Msg == "" {
				t.Fatalf("error without a place or message: %+v", e)
			}
		}
	})
}

// mentionsBroken reports whether value uses a variable that failed: that
// failure is reported where the variable is defined, not again.
func mentionsBroken(d *decoder, value string) bool {
	for name := range d.broken {
		if strings.Contains(value, "${"+name) {
			return true
		}
	}
	return false
}
