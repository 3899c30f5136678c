package source_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/bytesize"
	"github.com/wasmtasks/wasmtasks/internal/golden"
	"github.com/wasmtasks/wasmtasks/source"
)

// TestURLFetchedOnceThenOffline: a url: program is downloaded once,
// verified, runs, and is found again with the server gone.
func TestURLFetchedOnceThenOffline(t *testing.T) {
	prog := probe(t)
	srv := serve(t, map[string]http.HandlerFunc{"/probe.wasm": bytesHandler(prog)})
	f := &source.Fetcher{Dir: t.TempDir()}
	spec := source.Spec{URL: srv.URL + "/probe.wasm", SHA256: digest(prog)}
	path, got, err := f.Fetch(context.Background(), spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := source.Pin{Source: "url", Ref: spec.URL, Resolved: "sha256:" + digest(prog), SHA256: digest(prog)}
	if got != want {
		t.Errorf("pin: got %+v, want %+v", got, want)
	}
	if out := runProgram(t, path, "args", "x"); !strings.HasSuffix(out, "args\nx\n") {
		t.Errorf("the fetched program printed %q", out)
	}
	srv.Close()
	for _, pin := range []*source.Pin{nil, &got} {
		again, _, err := f.Fetch(context.Background(), spec, pin)
		if err != nil || again != path {
			t.Fatalf("second fetch with the server stopped: %q, %v", again, err)
		}
	}
	if n := srv.requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// TestURLFollowsRedirect: a release URL that redirects to the file works.
func TestURLFollowsRedirect(t *testing.T) {
	prog := probe(t)
	srv := serve(t, map[string]http.HandlerFunc{
		"/latest":    func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/v1/p.wasm", http.StatusFound) },
		"/v1/p.wasm": bytesHandler(prog),
	})
	f := &source.Fetcher{Dir: t.TempDir()}
	path, _, err := f.Fetch(context.Background(), source.Spec{URL: srv.URL + "/latest", SHA256: digest(prog)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); digest(b) != digest(prog) {
		t.Error("the stored program differs from the served one")
	}
}

// truncated declares the whole length, sends half and closes the
// connection.
func truncated(b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(b)))
		w.Write(b[:len(b)/2])
		panic(http.ErrAbortHandler)
	}
}

// TestURLErrors: each way a download goes wrong is its own error kind,
// names the URL, and leaves nothing under a real name nor a temporary file.
func TestURLErrors(t *testing.T) {
	prog := probe(t)
	text := []byte("<html>not a program</html>")
	srv := serve(t, map[string]http.HandlerFunc{
		"/probe.wasm": bytesHandler(prog),
		"/missing":    http.NotFound,
		"/broken":     func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", http.StatusInternalServerError) },
		"/truncated":  truncated(prog),
		"/page":       bytesHandler(text),
	})
	cases := []struct {
		name, path, sha string
		kind            error
		status          int
	}{
		{"wrong digest", "/probe.wasm", digest([]byte("other")), source.ErrDigest, 0},
		{"404", "/missing", digest(prog), source.ErrDownload, 404},
		{"500", "/broken", digest(prog), source.ErrDownload, 500},
		{"truncated", "/truncated", digest(prog), source.ErrDownload, 200},
		{"not wasm", "/page", digest(text), source.ErrNotWasm, 0},
		{"no digest", "/probe.wasm", "", source.ErrSpec, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			f := &source.Fetcher{Dir: dir}
			url := srv.URL + c.path
			_, _, err := f.Fetch(context.Background(), source.Spec{URL: url, SHA256: c.sha}, nil)
			wantError(t, err, c.kind, url, c.status)
			golden.CheckError(t, goldenFile("url errors", c.name), err, srv.URL, "URL", digest(prog), "PROGRAM", digest([]byte("other")), "OTHER",
				fmt.Sprintf("after %d of %d bytes", len(prog)/2, len(prog)), "after HALF of LENGTH bytes")
			if left := leftovers(t, dir); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
			if progs, _ := filepath.Glob(filepath.Join(dir, "programs", "sha256", "*.wasm")); len(progs) > 0 {
				t.Errorf("a program was stored: %v", progs)
			}
		})
	}
}

// TestDamagedProgramIsFetchedAgain: a stored program changed on disk is
// noticed by its stamp, removed, and downloaded again.
func TestDamagedProgramIsFetchedAgain(t *testing.T) {
	prog := probe(t)
	srv := serve(t, map[string]http.HandlerFunc{"/p.wasm": bytesHandler(prog)})
	f := &source.Fetcher{Dir: t.TempDir()}
	spec := source.Spec{URL: srv.URL + "/p.wasm", SHA256: digest(prog)}
	path, _, err := f.Fetch(context.Background(), spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append([]byte("\x00asm"), make([]byte, 100)...), 0o600); err != nil {
		t.Fatal(err)
	}
	path, _, err = f.Fetch(context.Background(), spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); digest(b) != digest(prog) {
		t.Error("the damaged program was given out")
	}
	if n := srv.requests.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}

// TestURLPinMismatch: a lock that pins another archive digest, another
// program inside it, or another URL stops the fetch with a MismatchError.
func TestURLPinMismatch(t *testing.T) {
	prog := probe(t)
	ar := targz(t, member{name: "p.wasm", body: string(prog)})
	srv := serve(t, map[string]http.HandlerFunc{"/a.tgz": bytesHandler(ar), "/p.wasm": bytesHandler(prog)})
	f := &source.Fetcher{Dir: t.TempDir()}
	spec := source.Spec{URL: srv.URL + "/a.tgz", SHA256: digest(ar), File: "p.wasm"}
	_, good, err := f.Fetch(context.Background(), spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	zero := strings.Repeat("0", 64)
	plain := source.Spec{URL: srv.URL + "/p.wasm", SHA256: digest(prog)}
	other := srv.URL + "/other.tgz#p.wasm"
	cases := map[string]struct {
		spec source.Spec
		pin  source.Pin
		want source.MismatchError
	}{
		"program": {spec, source.Pin{Source: "url", Ref: good.Ref, Resolved: good.Resolved, SHA256: zero},
			source.MismatchError{Ref: good.Ref, Want: "program sha256:" + zero, Got: "sha256:" + digest(prog)}},
		"archive": {spec, source.Pin{Source: "url", Ref: good.Ref, Resolved: "sha256:" + zero, SHA256: good.SHA256},
			source.MismatchError{Ref: good.Ref, Want: "sha256:" + zero, Got: "sha256:" + digest(ar) + " in the task file"}},
		"url": {spec, source.Pin{Source: "url", Ref: other, Resolved: good.Resolved, SHA256: good.SHA256},
			source.MismatchError{Ref: good.Ref, Want: "url " + other, Got: "url " + good.Ref}},
		"source key": {spec, source.Pin{Source: "oci", Ref: good.Ref, Resolved: good.Resolved, SHA256: good.SHA256},
			source.MismatchError{Ref: good.Ref, Want: "oci " + good.Ref, Got: "url " + good.Ref}},
		"program of a plain URL": {plain, source.Pin{Source: "url", Ref: plain.URL, Resolved: "sha256:" + digest(prog), SHA256: zero},
			source.MismatchError{Ref: plain.URL, Want: "program sha256:" + zero, Got: "sha256:" + digest(prog) + " in the task file"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := f.Fetch(context.Background(), c.spec, &c.pin)
			wantMismatch(t, err, c.want)
			golden.CheckError(t, goldenFile("url pin mismatch", name), err, srv.URL, "URL", digest(prog), "PROGRAM", digest([]byte("other")), "OTHER", digest(ar), "ARCHIVE")
		})
	}
}

// TestDownloadProgress: a download that takes over a second ends with one
// line of bytes and rate on a writer that is not a terminal.
func TestDownloadProgress(t *testing.T) {
	prog := probe(t)
	srv := serve(t, map[string]http.HandlerFunc{"/slow": func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(prog)))
		w.Write(prog[:10])
		w.(http.Flusher).Flush()
		time.Sleep(1100 * time.Millisecond)
		w.Write(prog[10:])
	}})
	var out bytes.Buffer
	f := &source.Fetcher{Dir: t.TempDir(), Progress: &out}
	if _, _, err := f.Fetch(context.Background(), source.Spec{URL: srv.URL + "/slow", SHA256: digest(prog)}, nil); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("download %s/slow: %s of %s, ", srv.URL, bytesize.Format(int64(len(prog))), bytesize.Format(int64(len(prog))))
	if s := out.String(); !strings.HasPrefix(s, want) || !strings.HasSuffix(s, "/s\n") || strings.Count(s, "\n") != 1 {
		t.Errorf("progress %q, want one line starting %q", s, want)
	}
}

// TestConcurrentFetches: processes or goroutines that obtain the same
// program at once all succeed and get the same file.
func TestConcurrentFetches(t *testing.T) {
	prog := probe(t)
	ar := zipOf(t, member{name: "bin/p.wasm", body: string(prog)}, member{name: "share/x", body: "x"})
	srv := serve(t, map[string]http.HandlerFunc{"/p.wasm": bytesHandler(prog), "/a.zip": bytesHandler(ar)})
	dir := t.TempDir()
	specs := []source.Spec{
		{URL: srv.URL + "/p.wasm", SHA256: digest(prog)},
		{URL: srv.URL + "/a.zip", SHA256: digest(ar), File: "bin/p.wasm"},
	}
	errs := make(chan error, 16)
	for i := range 16 {
		go func() {
			f := &source.Fetcher{Dir: dir}
			path, _, err := f.Fetch(context.Background(), specs[i%2], nil)
			if err == nil {
				_, err = f.ArchiveDir(context.Background(), specs[1], "share")
			}
			if b, _ := os.ReadFile(path); err == nil && digest(b) != digest(prog) {
				err = fmt.Errorf("%s holds other bytes", path)
			}
			errs <- err
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if left := leftovers(t, dir); len(left) > 0 {
		t.Errorf("left: %v", left)
	}
}
