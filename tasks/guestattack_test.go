package tasks

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHardLinkToReadOnlyFile proves a guest cannot reach a file of its
// read-only folder through a hard link made in its read-write folder
// (wasmtime refuses the link, for components and modules alike): the file
// keeps its content, and the task fails saying so.
func TestHardLinkToReadOnlyFile(t *testing.T) {
	for _, prog := range []string{"PROBE", "CORE"} {
		p, dir := projectWith(t, `
version: 1
components:
  probe: {path: `+prog+`}
tasks:
  link:
    component: probe
    args: [hardlink, /src/in.txt, /out/x]
    dirs: [{host: out, guest: /out}, {host: src, guest: /src, readonly: true}]
`, "out")
		in := filepath.Join(dir, "src", "in.txt")
		if err := os.WriteFile(in, []byte("original\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		r, err := NewRunner(p, Options{Stdout: &strings.Builder{}, Stderr: &stderr, Engine: testEngine(t)})
		if err != nil {
			t.Fatal(err)
		}
		r.Run(context.Background())
		r.Close()
		if b, _ := os.ReadFile(in); string(b) != "original\n" {
			t.Errorf("%s: the read-only file now holds %q", prog, b)
		}
		if !strings.Contains(stderr.String(), "link /src/in.txt /out/x: Operation not permitted") {
			t.Errorf("%s: stderr %q; want the link refused", prog, stderr.String())
		}
	}
}
