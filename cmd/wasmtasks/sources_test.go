package main

import (
	"github.com/wasmtasks/wasmtasks/internal/exitcode"

	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/internal/testregistry"
	"github.com/wasmtasks/wasmtasks/source"
)

func sum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestPathPinCheckedEverywhere gives a path: program a sha256: that is not
// its digest (issue 13, bug 3): validate, compile and run each exit 2 and
// name the component and both digests; nothing runs, also when the task
// was up to date with the right pin.
func TestPathPinCheckedEverywhere(t *testing.T) {
	dir := t.TempDir()
	probe := testprog.Module(t, "probe")
	os.Mkdir(filepath.Join(dir, "out"), 0o755)
	os.WriteFile(filepath.Join(dir, "in.txt"), []byte("x"), 0o644)
	yaml := func(pin string) {
		os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte("version: 1\ncomponents:\n  probe:\n    path: "+probe+
			"\n    sha256: "+pin+"\n    dirs: [{host: out, guest: /out}]\ntasks:\n  mark:\n    component: probe\n    args: [write, /out/ran, x]\n    inputs: [in.txt]\n"), 0o644)
	}
	yaml(sum(t, probe))
	if r := wasmtasks(t, dir, "", "run"); r.status != 0 {
		t.Fatalf("right pin: status %d\n%s", r.status, r.stderr)
	}
	os.Remove(filepath.Join(dir, "out", "ran"))
	wrong := strings.Repeat("0", 64)
	yaml(wrong)
	for _, cmd := range []string{"validate", "compile", "run"} {
		r := wasmtasks(t, dir, "", cmd)
		t.Logf("%s: status %d\n%s%s", cmd, r.status, r.stdout, r.stderr)
		if r.status != exitcode.Usage {
			t.Errorf("%s: status %d, want %d", cmd, r.status, exitcode.Usage)
		}
		for _, want := range []string{`component "probe"`, wrong, sum(t, probe)} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%s: stderr does not say %s", cmd, want)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "out", "ran")); err == nil {
			t.Fatalf("%s: the program ran", cmd)
		}
	}
}

// TestFetchThenOffline fetches a url: program from a loopback server, an
// oci: artifact from a real registry and a go: package of the project,
// then stops the server and the registry and turns the Go module proxy
// off: run still works. lock pins the remote sources; a lock that differs
// from what the source gives stops run with status 2 and the command that
// updates the pin, which then fixes it.
func TestFetchThenOffline(t *testing.T) {
	prog, err := os.ReadFile(testprog.Module(t, "probe"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(prog) }))
	defer srv.Close()
	reg := testregistry.Start(t)
	reg.PushWasm(t, "org/probe:1.0", prog)
	dir := t.TempDir()
	t.Setenv("WASMTASKS_CACHE_DIR", filepath.Join(dir, ".cache"))
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.test/proj\n\ngo 1.22\n"), 0o644)
	os.Mkdir(filepath.Join(dir, "hello"), 0o755)
	os.WriteFile(filepath.Join(dir, "hello", "main.go"), []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"from-go\") }\n"), 0o644)
	s := sha256.Sum256(prog)
	yaml := "version: 1\ncomponents:\n" +
		"  web: {url: " + srv.URL + "/probe.wasm, sha256: " + hex.EncodeToString(s[:]) + "}\n" +
		"  reg: {oci: " + reg.Host + "/org/probe:1.0}\n" +
		"  gen: {go: ./hello}\n" +
		"tasks:\n  web: {component: web, args: [args, from-url]}\n  reg: {component: reg, args: [args, from-oci]}\n  gen: {component: gen}\n"
	os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte(yaml), 0o644)

	r := wasmtasks(t, dir, "", "fetch")
	if r.status != 0 || strings.Count(r.stdout, "\n") != 3 {
		t.Fatalf("fetch: status %d\n%s%s", r.status, r.stdout, r.stderr)
	}
	lock, err := source.ReadLock(filepath.Join(dir, source.LockName))
	if err != nil || len(lock.Components) != 2 || lock.Components["web"].Source != "url" || lock.Components["reg"].Source != "oci" {
		t.Fatalf("fetch wrote the lock %+v, %v", lock, err)
	}

	srv.Close()
	reg.Stop()
	t.Setenv("GOPROXY", "off")
	r = wasmtasks(t, dir, "", "run")
	for _, want := range []string{"from-url", "from-oci", "from-go"} {
		if r.status != 0 || !strings.Contains(r.stdout, want) {
			t.Fatalf("offline run: status %d, no %s\n%s%s", r.status, want, r.stdout, r.stderr)
		}
	}

	pin := lock.Components["web"]
	pin.Resolved = "sha256:" + strings.Repeat("ab", 32)
	lock.Components["web"] = pin
	lock.Write(filepath.Join(dir, source.LockName))
	r = wasmtasks(t, dir, "", "run")
	t.Logf("run with a wrong pin: %s", r.stderr)
	if r.status != exitcode.Usage || !strings.Contains(r.stderr, "wasmtasks lock web") || strings.Contains(r.stdout, "from-") {
		t.Fatalf("run with a wrong pin: status %d\n%s%s", r.status, r.stdout, r.stderr)
	}
	if r = wasmtasks(t, dir, "", "validate"); r.status != exitcode.Usage {
		t.Errorf("validate with a wrong pin: status %d", r.status)
	}
}

// TestLockCommand writes the lock with 'wasmtasks lock', then repairs one
// pin with 'wasmtasks lock NAME'.
func TestLockCommand(t *testing.T) {
	prog, err := os.ReadFile(testprog.Module(t, "probe"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(prog) }))
	defer srv.Close()
	dir := t.TempDir()
	s := sha256.Sum256(prog)
	os.WriteFile(filepath.Join(dir, "wasmtasks.yaml"), []byte("version: 1\ncomponents:\n  web: {url: "+srv.URL+"/p.wasm, sha256: "+hex.EncodeToString(s[:])+"}\ntasks:\n  t: {component: web, args: [args, ok]}\n"), 0o644)
	if r := wasmtasks(t, dir, "", "lock"); r.status != 0 || !strings.Contains(r.stdout, "1 pin") {
		t.Fatalf("lock: status %d\n%s%s", r.status, r.stdout, r.stderr)
	}
	path := filepath.Join(dir, source.LockName)
	lock, err := source.ReadLock(path)
	if err != nil {
		t.Fatal(err)
	}
	good := lock.Components["web"]
	bad := good
	bad.Resolved = "sha256:" + strings.Repeat("cd", 32)
	lock.Components["web"] = bad
	lock.Write(path)
	if r := wasmtasks(t, dir, "", "run"); r.status != exitcode.Usage {
		t.Fatalf("run with a wrong pin: status %d", r.status)
	}
	if r := wasmtasks(t, dir, "", "lock", "web"); r.status != 0 {
		t.Fatalf("lock web: status %d\n%s", r.status, r.stderr)
	}
	if lock, _ := source.ReadLock(path); lock.Components["web"] != good {
		t.Errorf("lock web wrote %+v, want %+v", lock.Components["web"], good)
	}
	if r := wasmtasks(t, dir, "", "run"); r.status != 0 || !strings.Contains(r.stdout, "ok") {
		t.Errorf("run after lock: status %d\n%s", r.status, r.stderr)
	}
	if r := wasmtasks(t, dir, "", "lock", "nosuch"); r.status != exitcode.Usage {
		t.Errorf("lock nosuch: status %d, want %d", r.status, exitcode.Usage)
	}
}
