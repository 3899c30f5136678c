package tasks

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/schema"
)

// storeEntries returns the .sum files in the store's entries folders.
func storeEntries(t *testing.T, store string) map[string]bool {
	t.Helper()
	sums, _ := filepath.Glob(filepath.Join(store, "v*", "*.sum"))
	m := map[string]bool{}
	for _, s := range sums {
		m[s] = true
	}
	return m
}

// warmEntry loads the program into the store and returns the base path
// (without .sum or .cwasm) of the entry it added.
func warmEntry(t *testing.T, store, program string) string {
	t.Helper()
	before := storeEntries(t, store)
	eng, err := runner.NewEngine(runner.Options{StoreDir: store})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	if _, _, err := eng.Load(program); err != nil {
		t.Fatal(err)
	}
	for s := range storeEntries(t, store) {
		if !before[s] {
			return strings.TrimSuffix(s, ".sum")
		}
	}
	t.Fatalf("no entry added for %s", program)
	return ""
}

// TestGuestCannotPoisonProjectStore runs a hostile guest whose read-write
// mount (the project folder) contains the project's own store (cache_dir:
// .cache): it plants another program's compiled code, with a matching
// checksum file, over the entry of the program the next task runs. The task
// file must be refused before anything runs, naming the dirs entry.
func TestGuestCannotPoisonProjectStore(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, ".cache")
	probe, hello, cp := testprog.Module(t, "probe"), testprog.GoModule(t, "hellogo"), testprog.Module(t, "copy")
	victim := warmEntry(t, store, probe)
	evil := warmEntry(t, store, hello)
	for _, ext := range []string{".cwasm", ".sum"} {
		b, err := os.ReadFile(evil + ext)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "payload"+ext), b, 0o644)
	}
	rel := func(p string) string { r, _ := filepath.Rel(dir, p); return "/p/" + filepath.ToSlash(r) }
	yaml := `version: 1
cache_dir: .cache
components:
  cp:
    path: ` + cp + `
    dirs:
      - {host: ., guest: /p}
  probe:
    path: CORE
tasks:
  plant-code:
    component: cp
    args: [/p/payload.cwasm, ` + rel(victim+".cwasm") + `]
  plant-sum:
    component: cp
    args: [/p/payload.sum, ` + rel(victim+".sum") + `]
  victim:
    component: probe
    args: [args, ok]
    deps: [plant-code, plant-sum]
    stdout: {file: out.txt}
`
	writeProject(t, dir, yaml)
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRunner(p, Options{Stdout: new(strings.Builder), Stderr: new(strings.Builder)})
	t.Logf("NewRunner: %v", err)
	if err == nil {
		defer r.Close()
		_, err := r.Run(context.Background())
		out, _ := os.ReadFile(filepath.Join(dir, "out.txt"))
		t.Fatalf("the task file ran (%v); the victim printed %q", err, out)
	}
	var errs schema.Errors
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Line != 7 || errs[0].Col != 9 {
		t.Errorf("want one error at the dirs entry (7:9), got %#v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out.txt")); err == nil {
		t.Error("a task ran")
	}
}

// TestTaskFilesThatExposeTheStore lists the ways a task file can let a
// program write into the store or replace its key, or read the key; each
// is refused, at the line of the offending entry, and a read-only mount of
// the store is not.
func TestTaskFilesThatExposeTheStore(t *testing.T) {
	cases := []struct {
		name, entry string
		line, col   int // of the offending entry; 0 when it is allowed
	}{
		{"mount contains store", "dirs: [{host: ., guest: /p}]", 8, 12},
		{"mount is store", "dirs: [{host: .cache, guest: /p}]", 8, 12},
		{"mount inside store", "dirs: [{host: .cache/v2, guest: /p}]", 8, 12},
		{"symlinked mount", "dirs: [{host: link, guest: /p}]", 8, 12},
		{"mount contains key", "dirs: [{host: keys, guest: /p}]", 8, 12},
		{"stdout into store", "stdout: {file: .cache/v2/x.cwasm}", 8, 20},
		{"stderr over key", "stderr: {file: keys/team.key}", 8, 20},
		{"read-only mount holds key", "dirs: [{host: ., guest: /p, readonly: true}]", 8, 12},
		{"read-only mount of the store", "dirs: [{host: .cache, guest: /p, readonly: true}]", 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			os.MkdirAll(filepath.Join(dir, ".cache", "v2"), 0o700)
			os.Mkdir(filepath.Join(dir, "keys"), 0o700)
			key := filepath.Join(dir, "keys", "team.key")
			os.WriteFile(key, []byte(strings.Repeat("ab", 32)), 0o600)
			t.Setenv("WASMTASKS_STORE_KEY_FILE", key)
			os.Symlink(".cache", filepath.Join(dir, "link"))
			writeProject(t, dir, "version: 1\ncache_dir: .cache\ncomponents:\n  probe: {path: CORE}\ntasks:\n  t:\n    component: probe\n    "+tc.entry+"\n")
			checkRunnerRefusal(t, dir, tc.line, tc.col)
		})
	}
}

// TestTaskFilesThatExposeTheirOwnFiles lists the ways a task file can let
// a program rewrite the task file or wasmtasks.lock, and so change what
// runs next or which programs the lock lets in: a read-write mount that
// holds either (also through a symbolic link), an output file over either.
// Each is refused at the line of the offending entry; a read-only mount
// and a read-write subfolder are not.
func TestTaskFilesThatExposeTheirOwnFiles(t *testing.T) {
	cases := []struct {
		name, entry string
		line, col   int // of the offending entry; 0 when it is allowed
	}{
		{"mount holds both", "dirs: [{host: ., guest: /p}]", 8, 12},
		{"symlinked mount holds both", "dirs: [{host: link, guest: /p}]", 8, 12},
		{"stdout over the lock", "stdout: {file: wasmtasks.lock}", 8, 20},
		{"stderr over the task file", "stderr: {file: wasmtasks.yaml}", 8, 20},
		{"read-only mount", "dirs: [{host: ., guest: /p, readonly: true}]", 0, 0},
		{"read-write subfolder", "dirs: [{host: src, guest: /p}]", 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "proj")
			os.MkdirAll(filepath.Join(dir, "src"), 0o755)
			os.Symlink(dir, filepath.Join(filepath.Dir(dir), "link"))
			os.Symlink("../link", filepath.Join(dir, "link"))
			writeProject(t, dir, "version: 1\ncache_dir: "+t.TempDir()+"\ncomponents:\n  probe: {path: CORE}\ntasks:\n  t:\n    component: probe\n    "+tc.entry+"\n")
			checkRunnerRefusal(t, dir, tc.line, tc.col)
		})
	}
}

// TestStoreDirRule checks the one rule every front end uses to find the
// store: the flag, else the task file's cache_dir, else
// $WASMTASKS_CACHE_DIR, else the user cache folder.
func TestStoreDirRule(t *testing.T) {
	dir := t.TempDir()
	withDir := loadText(t, dir, "version: 1\ncache_dir: .store\n")
	bare := loadText(t, t.TempDir(), "version: 1\n")
	env := filepath.Join(t.TempDir(), "env-store")
	t.Setenv("WASMTASKS_CACHE_DIR", env)
	flag := filepath.Join(t.TempDir(), "flag-store")
	for _, c := range []struct {
		name string
		p    *Project
		flag string
		want string
	}{
		{"flag wins over cache_dir", withDir, flag, flag},
		{"cache_dir wins over the environment", withDir, "", filepath.Join(dir, ".store")},
		{"the environment without cache_dir", bare, "", env},
		{"no task file", nil, "", env},
		{"no task file, flag", nil, flag, flag},
	} {
		got, err := c.p.StoreDir(c.flag)
		if err != nil || got != c.want {
			t.Errorf("%s: got %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	t.Setenv("WASMTASKS_CACHE_DIR", "")
	t.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "xdg"))
	if got, err := bare.StoreDir(""); err != nil || got != filepath.Join(dir, "xdg", "wasmtasks") {
		t.Errorf("default: got %q, %v; want the user cache folder's wasmtasks folder", got, err)
	}
}

func loadText(t *testing.T, dir, text string) *Project {
	t.Helper()
	writeProject(t, dir, text)
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// checkRunnerRefusal loads the task file in dir and makes a Runner for it:
// with line 0 it must be accepted, else refused with its first error at
// line:col.
func checkRunnerRefusal(t *testing.T, dir string, line, col int) {
	t.Helper()
	p, err := Load(filepath.Join(dir, "wasmtasks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRunner(p, Options{})
	if err == nil {
		r.Close()
	}
	t.Logf("NewRunner: %v", err)
	var errs schema.Errors
	switch {
	case line == 0 && err != nil:
		t.Errorf("refused: %v", err)
	case line != 0 && (!errors.As(err, &errs) || errs[0].Line != line || errs[0].Col != col):
		t.Errorf("want an error at %d:%d, got %v", line, col, err)
	}
}
