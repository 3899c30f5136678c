package schema

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
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
