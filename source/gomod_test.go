package source_test

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/golden"
	"github.com/wasmtasks/wasmtasks/source"
)

const fakeModule = "example.com/tool"

// fileProxy is a Go module proxy in a folder (GOPROXY=file://…) that a
// test fills with versions of example.com/tool, whose cmd/hello prints
// its version.
type fileProxy struct {
	t        *testing.T
	dir      string
	versions []string
}

func newFileProxy(t *testing.T, versions ...string) *fileProxy {
	p := &fileProxy{t: t, dir: t.TempDir()}
	for _, v := range versions {
		p.add(v)
	}
	return p
}

// add publishes version v: its .info, .mod and .zip, and the list.
func (p *fileProxy) add(v string) {
	t := p.t
	t.Helper()
	dir := filepath.Join(p.dir, fakeModule, "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	gomod := "module " + fakeModule + "\n\ngo 1.22\n"
	main := "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello " + v + "\") }\n"
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(v+".info", `{"Version":"`+v+`","Time":"2024-01-01T00:00:00Z"}`)
	write(v+".mod", gomod)
	zf, err := os.Create(filepath.Join(dir, v+".zip"))
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	for name, body := range map[string]string{"go.mod": gomod, "cmd/hello/main.go": main} {
		w, err := zw.Create(fakeModule + "@" + v + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zf.Close()
	p.versions = append(p.versions, v)
	write("list", strings.Join(p.versions, "\n")+"\n")
}

// env is the go command's environment for the proxy: no network, no
// checksum database for the fake module, a module cache of the test's own.
func (p *fileProxy) env(t *testing.T, modcache string) []string {
	return append(os.Environ(),
		"GOPROXY=file://"+filepath.ToSlash(p.dir),
		"GONOSUMDB="+fakeModule, "GOSUMDB=off", "GOFLAGS=-modcacherw",
		"GOMODCACHE="+modcache)
}

// TestGoModuleVersion: go: pkg@v1.0.0 is built from the module proxy; a
// second Fetch, with or without the pin, starts no go process, also with
// GOPROXY=off.
func TestGoModuleVersion(t *testing.T) {
	proxy := newFileProxy(t, "v1.0.0")
	goCmd, runs := countingGo(t)
	f := &source.Fetcher{Dir: t.TempDir(), GoCmd: goCmd, Env: proxy.env(t, t.TempDir())}
	spec := source.Spec{Go: fakeModule + "/cmd/hello@v1.0.0"}
	path, got, err := f.Fetch(context.Background(), spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Source != "go" || got.Ref != spec.Go || got.Resolved != "v1.0.0" || !strings.HasPrefix(got.Go, "go1.") {
		t.Errorf("pin %+v", got)
	}
	if out := runProgram(t, path); out != "hello v1.0.0\n" {
		t.Errorf("printed %q", out)
	}
	built := runs()
	f.Env = append(f.Env, "GOPROXY=off")
	for _, pin := range []*source.Pin{nil, &got} {
		again, _, err := f.Fetch(context.Background(), spec, pin)
		if err != nil || again != path || runs() != built {
			t.Fatalf("second fetch: %q, %v, %d go runs (was %d)", again, err, runs(), built)
		}
	}
}

// TestGoModuleLatestIsPinned: @latest resolves to the newest version, and
// with the pin a later build takes the pinned version, not a newer one.
func TestGoModuleLatestIsPinned(t *testing.T) {
	proxy := newFileProxy(t, "v1.0.0", "v1.1.0")
	store := t.TempDir()
	f := &source.Fetcher{Dir: store, Env: proxy.env(t, t.TempDir())}
	spec := source.Spec{Go: fakeModule + "/cmd/hello@latest"}
	_, pin, err := f.Fetch(context.Background(), spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if pin.Resolved != "v1.1.0" {
		t.Fatalf("resolved %q, want v1.1.0", pin.Resolved)
	}
	proxy.add("v1.2.0")
	os.RemoveAll(filepath.Join(store, "programs"))
	path, got, err := f.Fetch(context.Background(), spec, &pin)
	if err != nil {
		t.Fatal(err)
	}
	if out := runProgram(t, path); out != "hello v1.1.0\n" || got != pin {
		t.Errorf("with the pin: printed %q, pin %+v (want %+v)", out, got, pin)
	}
	_, fresh, err := f.Fetch(context.Background(), spec, nil)
	if err != nil || fresh.Resolved != "v1.2.0" {
		t.Errorf("without the pin: %+v, %v; want v1.2.0", fresh, err)
	}
}

// TestGoModuleMismatch: a pin whose program the same Go version does not
// build again, or that names another source, is refused with a
// MismatchError that names both and 'wasmtasks lock'.
func TestGoModuleMismatch(t *testing.T) {
	proxy := newFileProxy(t, "v1.0.0")
	store := t.TempDir()
	f := &source.Fetcher{Dir: store, Env: proxy.env(t, t.TempDir())}
	spec := source.Spec{Go: fakeModule + "/cmd/hello@v1.0.0"}
	_, got, err := f.Fetch(context.Background(), spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	bad := got
	bad.SHA256 = strings.Repeat("0", 64)
	other := got
	other.Ref = fakeModule + "/cmd/hello@v0.9.0"
	cases := map[string]struct {
		pin  source.Pin
		want source.MismatchError
	}{
		"digest": {bad, source.MismatchError{Ref: got.Ref, Want: "sha256:" + bad.SHA256 + " (built by " + got.Go + ")", Got: "sha256:" + got.SHA256}},
		"ref":    {other, source.MismatchError{Ref: got.Ref, Want: "go " + other.Ref, Got: "go " + got.Ref}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := f.Fetch(context.Background(), spec, &c.pin)
			wantMismatch(t, err, c.want)
			golden.CheckError(t, goldenFile("go module mismatch", name), err, got.SHA256, "BUILT", got.Go, "GOVERSION")
		})
	}
	older := bad
	older.Go = "go1.0"
	if _, now, err := f.Fetch(context.Background(), spec, &older); err != nil || now.SHA256 != got.SHA256 {
		t.Errorf("a pin built by another Go: %+v, %v; want a new build and no mismatch", now, err)
	}
}

// TestGoModuleErrors: a version the proxy lacks and a package the module
// lacks fail with go's own words and the reference.
func TestGoModuleErrors(t *testing.T) {
	proxy := newFileProxy(t, "v1.0.0")
	f := &source.Fetcher{Dir: t.TempDir(), Env: proxy.env(t, t.TempDir())}
	for _, ref := range []string{fakeModule + "/cmd/hello@v9.9.9", fakeModule + "/cmd/none@v1.0.0"} {
		_, _, err := f.Fetch(context.Background(), source.Spec{Go: ref}, nil)
		wantError(t, err, source.ErrBuild, ref, 0)
	}
}
