package source_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/golden"
	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/internal/testregistry"
	"github.com/wasmtasks/wasmtasks/source"
)

// program reads one of the C test programs, built as a preview1 module.
func program(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(testprog.Module(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// ociFetcher is a Fetcher with an empty store and no docker config but the
// test's own (DOCKER_CONFIG points at an empty folder unless the test
// writes one).
func ociFetcher(t *testing.T) *source.Fetcher {
	t.Helper()
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	return &source.Fetcher{Dir: t.TempDir()}
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// fetchOCI fetches ref and checks that the program in the store is want,
// kept under its own digest, and that the pin records ref, the manifest
// digest and the program's digest.
func fetchOCI(t *testing.T, f *source.Fetcher, ref string, pin *source.Pin, manifest string, want []byte) source.Pin {
	t.Helper()
	path, got, err := f.Fetch(context.Background(), source.Spec{OCI: ref}, pin)
	if err != nil {
		t.Fatalf("Fetch(%s): %v", ref, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, want) {
		t.Fatalf("Fetch(%s) gave %d bytes (sha256 %s), want the pushed program (%d bytes, %s)", ref, len(b), sum(b), len(want), sum(want))
	}
	if filepath.Base(path) != sum(want)+".wasm" || !strings.HasPrefix(path, f.Dir) {
		t.Errorf("program kept at %s, want <Dir>/…/%s.wasm", path, sum(want))
	}
	wantPin := source.Pin{Source: "oci", Ref: ref, Resolved: manifest, SHA256: sum(want)}
	if got != wantPin {
		t.Errorf("pin = %+v, want %+v", got, wantPin)
	}
	return got
}

// TestOCIFetch pulls a real wasm artifact from a real registry by tag, by
// digest, and by a localhost name (plain HTTP like 127.0.0.1).
func TestOCIFetch(t *testing.T) {
	reg := testregistry.Start(t)
	prog := program(t, "probe")
	manifest := reg.PushWasm(t, "org/probe:1.0", prog)
	_, port, _ := net.SplitHostPort(reg.Host)
	for _, ref := range []string{
		reg.Host + "/org/probe:1.0",
		reg.Host + "/org/probe@" + manifest,
		reg.Host + "/org/probe:1.0@" + manifest,
		"localhost:" + port + "/org/probe:1.0",
	} {
		t.Run(ref, func(t *testing.T) {
			fetchOCI(t, ociFetcher(t), ref, nil, manifest, prog)
		})
	}
}

// TestOCIUnknown: a tag or repository the registry does not have is a
// download error with the registry's status that names the reference.
func TestOCIUnknown(t *testing.T) {
	reg := testregistry.Start(t)
	reg.PushWasm(t, "org/probe:1.0", program(t, "probe"))
	for _, ref := range []string{
		reg.Host + "/org/probe:2.0",
		reg.Host + "/org/nothing:1.0",
		reg.Host + "/org/probe@sha256:" + strings.Repeat("0", 64),
	} {
		t.Run(ref, func(t *testing.T) {
			_, _, err := ociFetcher(t).Fetch(context.Background(), source.Spec{OCI: ref}, nil)
			wantError(t, err, source.ErrDownload, ref, http.StatusNotFound)
		})
	}
}

// TestOCINotWasm: a manifest that is not a CNCF wasm artifact is refused
// before any program is written.
func TestOCINotWasm(t *testing.T) {
	reg := testregistry.Start(t)
	prog := program(t, "probe")
	wasm := testregistry.Layer{MediaType: testregistry.WasmLayerType, Data: prog}
	config := []byte(`{}`)
	cases := []struct {
		name       string
		configType string
		layers     []testregistry.Layer
	}{
		{"image-config", "application/vnd.oci.image.config.v1+json", []testregistry.Layer{wasm}},
		{"no-layers", testregistry.WasmConfigType, nil},
		{"two-layers", testregistry.WasmConfigType, []testregistry.Layer{wasm, {MediaType: testregistry.WasmLayerType, Data: []byte("\x00asm\x01\x00\x00\x00")}}},
		{"tar-layer", testregistry.WasmConfigType, []testregistry.Layer{{MediaType: "application/vnd.oci.image.layer.v1.tar+gzip", Data: prog}}},
		{"not-wasm-bytes", testregistry.WasmConfigType, []testregistry.Layer{{MediaType: testregistry.WasmLayerType, Data: []byte("#!/bin/sh\necho hi\n")}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ref := reg.Host + "/org/" + c.name + ":1.0"
			reg.Push(t, "org/"+c.name+":1.0", c.configType, config, c.layers...)
			wantNotWasm(t, ref)
		})
	}
	// A multi-platform index, even of a wasm artifact, names no one program.
	m := reg.PushWasm(t, "org/index:1.0", prog)
	index := `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[` +
		`{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"` + m + `","size":` + manifestSize(t, reg, m) + `,"platform":{"architecture":"wasm","os":"wasip1"}}]}`
	reg.PushManifest(t, "org/index:1.0", "application/vnd.oci.image.index.v1+json", []byte(index))
	t.Run("index", func(t *testing.T) { wantNotWasm(t, reg.Host+"/org/index:1.0") })
}

// wantNotWasm fetches ref and wants ErrNotWasm and nothing in the store.
func wantNotWasm(t *testing.T, ref string) {
	t.Helper()
	f := ociFetcher(t)
	_, _, err := f.Fetch(context.Background(), source.Spec{OCI: ref}, nil)
	wantError(t, err, source.ErrNotWasm, ref, 0)
	if left, _ := filepath.Glob(filepath.Join(f.Dir, "programs", "*", "*")); len(left) > 0 {
		t.Errorf("refused artifact left files in the store: %v", left)
	}
}

// manifestSize asks the registry for the size of manifest d.
func manifestSize(t *testing.T, reg *testregistry.Registry, d string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodHead, "http://"+reg.Host+"/v2/org/index/manifests/"+d, nil)
	req.Header.Set("Accept", "application/vnd.oci.image.manifest.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.Header.Get("Content-Length")
}

// TestOCIMovedTag: the lock pins the manifest digest, so after the tag
// moves to another program a fetch with the pin still gets the pinned
// program, and a fetch without one resolves the tag afresh.
func TestOCIMovedTag(t *testing.T) {
	reg := testregistry.Start(t)
	first, second := program(t, "probe"), program(t, "copy")
	ref := reg.Host + "/org/tool:latest"
	m1 := reg.PushWasm(t, "org/tool:latest", first)
	pin := fetchOCI(t, ociFetcher(t), ref, nil, m1, first)
	m2 := reg.PushWasm(t, "org/tool:latest", second)

	fetchOCI(t, ociFetcher(t), ref, &pin, m1, first)
	fetchOCI(t, ociFetcher(t), ref, nil, m2, second)
}

// TestOCIPinMismatch: a pin that does not fit what the registry gives, or
// that names another reference, is refused with both digests and the
// command that updates the pin.
func TestOCIPinMismatch(t *testing.T) {
	reg := testregistry.Start(t)
	prog, other := program(t, "probe"), program(t, "copy")
	ref := reg.Host + "/org/tool:1.0"
	m := reg.PushWasm(t, "org/tool:1.0", prog)
	mOther := reg.PushWasm(t, "org/other:1.0", other)
	byDigest := reg.Host + "/org/tool@" + m
	cases := map[string]struct {
		ref  string
		pin  source.Pin
		want source.MismatchError
	}{
		"program digest": {ref, source.Pin{Source: "oci", Ref: ref, Resolved: m, SHA256: sum(other)},
			source.MismatchError{Ref: ref, Want: "program sha256:" + sum(other), Got: "sha256:" + sum(prog)}},
		"digest in ref": {byDigest, source.Pin{Source: "oci", Ref: byDigest, Resolved: mOther, SHA256: sum(other)},
			source.MismatchError{Ref: byDigest, Want: "manifest " + mOther, Got: "manifest " + m}},
		"other ref": {ref, source.Pin{Source: "oci", Ref: reg.Host + "/org/other:1.0", Resolved: mOther, SHA256: sum(other)},
			source.MismatchError{Ref: ref, Want: "oci " + reg.Host + "/org/other:1.0", Got: "oci " + ref}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			f := ociFetcher(t)
			_, _, err := f.Fetch(context.Background(), source.Spec{OCI: c.ref}, &c.pin)
			wantMismatch(t, err, c.want)
			golden.CheckError(t, goldenFile("oci pin mismatch", name), err, reg.Host, "HOST",
				m, "sha256:MANIFEST", mOther, "sha256:OTHER-MANIFEST", sum(prog), "PROGRAM", sum(other), "OTHER-PROGRAM")
		})
	}
	// A lock whose manifest digest is not a digest is refused, not sent.
	bad := source.Pin{Source: "oci", Ref: ref, Resolved: "1.0", SHA256: sum(prog)}
	if _, _, err := ociFetcher(t).Fetch(context.Background(), source.Spec{OCI: ref}, &bad); !errors.Is(err, source.ErrSpec) {
		t.Errorf("pin resolved to %q: err = %v, want ErrSpec", bad.Resolved, err)
	}
	// A sha256: in the task file pins the program itself, also when the
	// lock's pin and the pinned program in the store say otherwise.
	f := ociFetcher(t)
	pin := fetchOCI(t, f, ref, nil, m, prog)
	for _, p := range []*source.Pin{nil, &pin} {
		_, _, err := f.Fetch(context.Background(), source.Spec{OCI: ref, SHA256: sum(other)}, p)
		wantError(t, err, source.ErrDigest, ref, 0)
		golden.CheckError(t, goldenFile("oci pin mismatch", "task file sha256"), err, reg.Host, "HOST",
			sum(prog), "PROGRAM", sum(other), "OTHER-PROGRAM")
	}
}

// TestOCIOffline: once fetched, a pinned program comes from the store with
// the registry stopped; without the program in the store the error says
// the registry cannot be reached.
func TestOCIOffline(t *testing.T) {
	reg := testregistry.Start(t)
	prog := program(t, "probe")
	ref := reg.Host + "/org/probe:1.0"
	m := reg.PushWasm(t, "org/probe:1.0", prog)
	f := ociFetcher(t)
	pin := fetchOCI(t, f, ref, nil, m, prog)
	reg.Stop()

	fetchOCI(t, f, ref, &pin, m, prog)
	_, _, err := ociFetcher(t).Fetch(context.Background(), source.Spec{OCI: ref}, &pin)
	wantError(t, err, source.ErrDownload, ref, 0)
}

// TestOCICredentials: a registry that requires basic auth is reached with
// the account in the user's docker config ($DOCKER_CONFIG/config.json);
// without it the error is the registry's 401 and says to log in.
func TestOCICredentials(t *testing.T) {
	reg := testregistry.StartAuth(t)
	prog := program(t, "probe")
	ref := reg.Host + "/org/private:1.0"
	m := reg.PushWasm(t, "org/private:1.0", prog)

	_, _, err := ociFetcher(t).Fetch(context.Background(), source.Spec{OCI: ref}, nil)
	wantError(t, err, source.ErrDownload, ref, http.StatusUnauthorized)
	golden.CheckError(t, goldenFile("oci credentials", "no login"), err, reg.Host, "HOST")

	f := ociFetcher(t)
	auth := base64.StdEncoding.EncodeToString([]byte(reg.User + ":" + reg.Password))
	config := `{"auths": {"` + reg.Host + `": {"auth": "` + auth + `"}}}`
	if err := os.WriteFile(filepath.Join(os.Getenv("DOCKER_CONFIG"), "config.json"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	fetchOCI(t, f, ref, nil, m, prog)
}

// recorder records the URL of every request and passes it on.
type recorder struct {
	mu   sync.Mutex
	urls []*url.URL
	next http.RoundTripper
}

func (rec *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	rec.mu.Lock()
	rec.urls = append(rec.urls, r.URL)
	rec.mu.Unlock()
	return rec.next.RoundTrip(r)
}

// any reports whether a recorded URL satisfies fn.
func (rec *recorder) any(fn func(u *url.URL) bool) bool {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, u := range rec.urls {
		if fn(u) {
			return true
		}
	}
	return false
}

// TestOCITLS: a registry that is not localhost or 127.0.0.1 is reached over
// TLS only, never plain HTTP, even when it answers plain HTTP.
func TestOCITLS(t *testing.T) {
	reg := testregistry.Start(t)
	reg.PushWasm(t, "org/probe:1.0", program(t, "probe"))
	dial := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, reg.Host)
	}
	rec := &recorder{next: &http.Transport{DialContext: dial}}
	f := ociFetcher(t)
	f.HTTP = &http.Client{Transport: rec}
	ref := "registry.wasmtasks-test.invalid/org/probe:1.0"
	_, _, err := f.Fetch(context.Background(), source.Spec{OCI: ref}, nil)
	wantError(t, err, source.ErrDownload, ref, 0)
	https := rec.any(func(u *url.URL) bool { return u.Scheme == "https" })
	if !https || rec.any(func(u *url.URL) bool { return u.Scheme != "https" }) {
		t.Errorf("requests: %v, want https only", rec.urls)
	}
}

// TestOCIBadReference: a reference without a tag or digest, or not a
// reference at all, is a source error before any request.
func TestOCIBadReference(t *testing.T) {
	for _, ref := range []string{"127.0.0.1:1/org/tool", "tool:1.0", "127.0.0.1:1/Org/tool:1.0", "127.0.0.1:1/org/tool@sha256:abc"} {
		t.Run(ref, func(t *testing.T) {
			_, _, err := ociFetcher(t).Fetch(context.Background(), source.Spec{OCI: ref}, nil)
			wantError(t, err, source.ErrSpec, ref, 0)
		})
	}
}

// TestOCILayerSize: a layer the manifest says is over 1 GiB is refused
// before it is requested; a blob larger than its manifest says is refused,
// not cut to size.
func TestOCILayerSize(t *testing.T) {
	reg := testregistry.Start(t)
	prog := program(t, "probe")
	cases := map[string]int64{"huge": 2 << 30, "understated": int64(len(prog)) / 2}
	for name, size := range cases {
		t.Run(name, func(t *testing.T) {
			ref := reg.Host + "/org/" + name + ":1.0"
			reg.Push(t, "org/"+name+":1.0", testregistry.WasmConfigType, []byte(`{}`),
				testregistry.Layer{MediaType: testregistry.WasmLayerType, Data: prog, Size: size})
			f := ociFetcher(t)
			rec := &recorder{next: http.DefaultTransport}
			f.HTTP = &http.Client{Transport: rec}
			_, _, err := f.Fetch(context.Background(), source.Spec{OCI: ref}, nil)
			wantError(t, err, source.ErrDownload, ref, 0)
			if left, _ := filepath.Glob(filepath.Join(f.Dir, "programs", "*", "*")); len(left) > 0 {
				t.Errorf("refused artifact left files in the store: %v", left)
			}
			blob := rec.any(func(u *url.URL) bool { return strings.Contains(u.Path, "/blobs/") })
			if size > 1<<30 && blob {
				t.Errorf("the layer of %d bytes was requested: %v", size, rec.urls)
			}
		})
	}
}

// TestOCICorruptBlob: a registry that sends other bytes than the layer's
// digest names (same size) is refused, and nothing is kept in the store.
func TestOCICorruptBlob(t *testing.T) {
	reg := testregistry.Start(t)
	prog := program(t, "probe")
	ref := reg.Host + "/org/probe:1.0"
	reg.PushWasm(t, "org/probe:1.0", prog)
	bad := bytes.Clone(prog)
	bad[len(bad)-1] ^= 0xff
	reg.ReplaceBlob(t, "sha256:"+sum(prog), bad)
	f := ociFetcher(t)
	_, _, err := f.Fetch(context.Background(), source.Spec{OCI: ref}, nil)
	wantError(t, err, source.ErrDigest, ref, 0)
	if left, _ := filepath.Glob(filepath.Join(f.Dir, "programs", "*", "*")); len(left) > 0 {
		t.Errorf("refused layer left files in the store: %v", left)
	}
}
