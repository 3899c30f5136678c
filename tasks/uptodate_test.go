package tasks

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/golden"
)

// expectStatus runs every task of p and checks the named task's status.
func expectStatus(t *testing.T, p *Project, step, task string, want Status) outcome {
	t.Helper()
	o := runTasks(t, p, Options{})
	if got := o.status(task); got != want {
		t.Errorf("%s: %v, want %v\nerr: %v\n%s", step, got, want, o.err, o.stderr)
	}
	return o
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const linkedInput = `
version: 1
components:
  probe: {path: PROBE}
tasks:
  t:
    component: probe
    args: [args]
    inputs: ["src/**"]
`

// TestSymlinkedInputCounts checks that an input that is a symlink to a file
// counts by its target's content and by its link text.
func TestSymlinkedInputCounts(t *testing.T) {
	p, dir := project(t, linkedInput)
	writeFile(t, dir, "data/a.dat", "v1")
	writeFile(t, dir, "data/b.dat", "v1")
	if err := os.Symlink("../data/a.dat", filepath.Join(dir, "src", "in.dat")); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, p, "first run", "t", Ran)
	expectStatus(t, p, "nothing changed", "t", UpToDate)
	writeFile(t, dir, "data/a.dat", "v2")
	expectStatus(t, p, "target changed", "t", Ran)
	expectStatus(t, p, "settled", "t", UpToDate)
	os.Remove(filepath.Join(dir, "src", "in.dat"))
	os.Symlink("../data/b.dat", filepath.Join(dir, "src", "in.dat"))
	writeFile(t, dir, "data/b.dat", "v2")
	expectStatus(t, p, "link retargeted to the same content", "t", Ran)
	os.Remove(filepath.Join(dir, "data", "b.dat"))
	expectStatus(t, p, "target deleted (dangling link)", "t", Ran)
	expectStatus(t, p, "settled dangling", "t", UpToDate)
}

// TestSymlinkedInputOutsideProject checks that an input symlink whose
// target is outside the project fails the task with an error naming it,
// and that a symlink to a folder is not descended.
func TestSymlinkedInputOutsideProject(t *testing.T) {
	p, dir := project(t, linkedInput)
	outside := filepath.Join(t.TempDir(), "secret.txt")
	os.WriteFile(outside, []byte("x"), 0o644)
	if err := os.Symlink(outside, filepath.Join(dir, "src", "in.dat")); err != nil {
		t.Fatal(err)
	}
	o := expectStatus(t, p, "link out of the project", "t", Failed)
	if err := o.sum[0].Err; !errors.Is(err, errOutsideProject) {
		t.Errorf("got %v, want errOutsideProject", err)
	}
	// It names the link.
	golden.CheckError(t, filepath.Join("testdata", "golden", "errors", "input-outside-project.txt"), o.sum[0].Err, dir, "DIR", outside, "OUTSIDE")

	os.Remove(filepath.Join(dir, "src", "in.dat"))
	os.Symlink("..", filepath.Join(dir, "src", "up"))  // a loop through the project
	os.Symlink("/", filepath.Join(dir, "src", "root")) // a folder outside
	writeFile(t, dir, "src/x.txt", "x")
	expectStatus(t, p, "links to folders", "t", Ran)
	expectStatus(t, p, "links to folders settled", "t", UpToDate)
	got, _, err := expandGlobs(dir, []string{"src/**"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "src/root,src/up,src/x.txt"; strings.Join(got, ",") != want {
		t.Errorf("src/** found %v, want %s", got, want)
	}
}

// TestInputChangedDuringRunIsNotRecorded runs a task that writes into its
// own input folder: what it ran with is not what is there after, so the
// run must not be recorded as up to date for the inputs it started with.
func TestInputChangedDuringRunIsNotRecorded(t *testing.T) {
	p, dir := project(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  gen:
    component: probe
    args: [write, /src/stamp.txt, x]
    dirs: [{host: src, guest: /src}]
    inputs: ["src/**"]
`)
	writeFile(t, dir, "src/in.txt", "v1")
	expectStatus(t, p, "first run", "gen", Ran)
	os.Remove(filepath.Join(dir, "src", "stamp.txt"))
	expectStatus(t, p, "its effect undone", "gen", Ran)
	expectStatus(t, p, "inputs stable during the run", "gen", Ran)
	expectStatus(t, p, "settled", "gen", UpToDate)
}

// TestBigOutputHashedOnce gives a task a 1 GiB sparse output: it is hashed
// once when the run is recorded, and a later check reads none of it while
// the file is unchanged.
func TestBigOutputHashedOnce(t *testing.T) {
	p, dir := project(t, `
version: 1
components:
  probe: {path: PROBE}
tasks:
  t:
    component: probe
    args: [args]
    inputs: ["src/*.txt"]
    outputs: ["out/**"]
`)
	writeFile(t, dir, "src/in.txt", "in")
	big := filepath.Join(dir, "out", "big.bin")
	os.MkdirAll(filepath.Dir(big), 0o755)
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	const size = 1 << 30
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	f.Close()
	// Stamps younger than the window are not trusted; let this one age.
	time.Sleep(racyWindow + 100*time.Millisecond)
	before := hashedBytes.Load()
	expectStatus(t, p, "first run", "t", Ran)
	if n := hashedBytes.Load() - before; n < size || n >= 2*size {
		t.Errorf("first run hashed %d bytes, want the output once (%d)", n, size)
	}
	before = hashedBytes.Load()
	expectStatus(t, p, "second run", "t", UpToDate)
	if n := hashedBytes.Load() - before; n != 0 {
		t.Errorf("second check hashed %d bytes, want 0", n)
	}
	writeFile(t, dir, "out/big.bin", "small now")
	expectStatus(t, p, "output replaced", "t", Ran)
}
