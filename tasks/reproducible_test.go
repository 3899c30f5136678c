package tasks

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
)

// stampProject is a project whose task stamp writes the wall-clock time and
// random bytes into out/stamp.txt, with the given reproducible setting.
func stampProject(t *testing.T, kind, setting string) (*Project, string) {
	t.Helper()
	prog := testprog.Component(t, "stamp")
	if kind == "module" {
		prog = testprog.Module(t, "stamp")
	}
	return projectWith(t, `version: 1
components:
  stamp:
    path: `+prog+`
    dirs: [{host: out, guest: /out}]
tasks:
  stamp:
    component: stamp
    args: [/out/stamp.txt]
`+setting, "out")
}

func checkRepro(t *testing.T, p *Project) error {
	t.Helper()
	var out bytes.Buffer
	r, err := NewRunner(p, Options{Engine: testEngine(t), Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = r.CheckReproducible(context.Background())
	return err
}

// TestReproducibleTaskWritesTheSameBytes runs a task that writes the time
// and random bytes twice: with reproducible: true the file is the same
// each time and holds SOURCE_DATE_EPOCH; without it the file changes.
func TestReproducibleTaskWritesTheSameBytes(t *testing.T) {
	for _, kind := range []string{"component", "module"} {
		t.Run(kind, func(t *testing.T) {
			stampOf := func(setting string) string {
				p, dir := stampProject(t, kind, setting)
				if o := runTasks(t, p, Options{Force: true}); o.err != nil {
					t.Fatalf("%v\n%s", o.err, o.stderr)
				}
				b, err := os.ReadFile(filepath.Join(dir, "out", "stamp.txt"))
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
			const fixed = "    reproducible: true\n    env: {SOURCE_DATE_EPOCH: \"1700000000\"}\n"
			a, b := stampOf(fixed), stampOf(fixed)
			if a != b || !strings.HasPrefix(a, "time 1700000000.000000000\n") {
				t.Errorf("reproducible runs wrote\n%s\n%s", a, b)
			}
			if x, y := stampOf(""), stampOf(""); x == y {
				t.Errorf("runs without reproducible mode wrote the same:\n%s", x)
			}
		})
	}
}

// TestCheckReproducible passes a reproducible task and fails the same task
// without reproducible mode, naming the file and the first differing byte.
func TestCheckReproducible(t *testing.T) {
	for _, kind := range []string{"component", "module"} {
		t.Run(kind, func(t *testing.T) {
			p, _ := stampProject(t, kind, "    reproducible: true\n")
			if err := checkRepro(t, p); err != nil {
				t.Errorf("a reproducible task failed the check: %v", err)
			}
			p, _ = stampProject(t, kind, "")
			err := checkRepro(t, p)
			var nr *NotReproducibleError
			if !errors.As(err, &nr) {
				t.Fatalf("want a NotReproducibleError, got %v", err)
			}
			// "time 1796…": the seconds may agree, the nanoseconds cannot.
			if nr.Task != "stamp" || nr.File != "/out/stamp.txt" || nr.Offset < 5 || nr.Offset > 25 || nr.Detail != "" {
				t.Errorf("got %+v", nr)
			}
			if nr.ExitStatus() != 1 {
				t.Errorf("exit status %d, want 1", nr.ExitStatus())
			}
		})
	}
}

// TestReproducibleClockAndSeed: the task's SOURCE_DATE_EPOCH wins over the
// process's, a bad one is an error, and the seed is the task's own.
func TestReproducibleClockAndSeed(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "42")
	r, err := reproducible("a", []string{"SOURCE_DATE_EPOCH=1", "SOURCE_DATE_EPOCH=7"})
	if err != nil || r.Clock.Unix() != 7 {
		t.Errorf("task env: %v, %v", r, err)
	}
	if r, err := reproducible("a", nil); err != nil || r.Clock.Unix() != 42 {
		t.Errorf("process env: %v, %v", r, err)
	}
	b, _ := reproducible("b", nil)
	if r.Seed == b.Seed {
		t.Error("two tasks share a seed")
	}
	for _, bad := range []string{"-1", "soon", "1.5"} {
		if _, err := reproducible("a", []string{"SOURCE_DATE_EPOCH=" + bad}); err == nil {
			t.Errorf("SOURCE_DATE_EPOCH=%s was accepted", bad)
		}
	}
	t.Setenv("SOURCE_DATE_EPOCH", "")
	if r, err := reproducible("a", nil); err != nil || r.Clock.Unix() != 0 {
		t.Errorf("no env: %v, %v", r, err)
	}
}
