package source_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testprog"
	"github.com/wasmtasks/wasmtasks/runner"
	"github.com/wasmtasks/wasmtasks/source"
)

// probe returns the bytes of the probe test program, a real preview1
// module.
func probe(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile(testprog.Module(t, "probe"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// server serves routes on loopback and counts the requests it answers.
type server struct {
	*httptest.Server
	requests atomic.Int64
}

func serve(t *testing.T, routes map[string]http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	mux := http.NewServeMux()
	for p, h := range routes {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			s.requests.Add(1)
			h(w, r)
		})
	}
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func bytesHandler(b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { w.Write(b) }
}

// member is one entry of a test archive: a file, a folder (name ends in
// "/") or a symbolic link (link set).
type member struct {
	name, body, link string
}

func targz(t testing.TB, ms ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, m := range ms {
		h := &tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.body)), Typeflag: tar.TypeReg}
		switch {
		case m.link != "":
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, m.link, 0
		case strings.HasSuffix(m.name, "/"):
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(m.body))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	gz.Close()
	return buf.Bytes()
}

func zipOf(t testing.TB, ms ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range ms {
		h := &zip.FileHeader{Name: m.name, Method: zip.Deflate}
		h.SetMode(0o644)
		body := m.body
		if m.link != "" {
			h.SetMode(fs.ModeSymlink | 0o777)
			body = m.link
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// runProgram runs the program at path with args in a real engine and
// returns what it printed.
func runProgram(t *testing.T, path string, args ...string) string {
	t.Helper()
	eng, err := runner.NewEngine(runner.Options{StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	var out, errb bytes.Buffer
	cmd := eng.Command(path, args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if _, err := cmd.Run(context.Background()); err != nil {
		t.Fatalf("run %s: %v\n%s", path, err, errb.String())
	}
	return out.String()
}

// leftovers lists the files under dir whose names mark them temporary.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".wasmtasks-tmp-") {
			found = append(found, p)
		}
		return nil
	})
	return found
}

// wantError checks that err is a *source.Error of kind that names ref
// and carries the HTTP status (0: none), and returns it. The wording a
// person reads is checked against a golden file ([goldenFile]).
func wantError(t *testing.T, err, kind error, ref string, status int) *source.Error {
	t.Helper()
	var e *source.Error
	switch {
	case !errors.Is(err, kind):
		t.Fatalf("err = %v, want %v", err, kind)
	case !errors.As(err, &e):
		t.Fatalf("err = %T %v, want a *source.Error", err, err)
	case e.Ref != ref:
		t.Errorf("ref = %q, want %q (err: %v)", e.Ref, ref, err)
	case e.Status != status:
		t.Errorf("status = %d, want %d (err: %v)", e.Status, status, err)
	case e.ExitStatus() != 2:
		t.Errorf("exit status %d, want 2", e.ExitStatus())
	}
	t.Log(err)
	return e
}

// wantMismatch checks that err is a *source.MismatchError that names the
// reference, what the pin says and what was found, as want does.
func wantMismatch(t *testing.T, err error, want source.MismatchError) {
	t.Helper()
	var me *source.MismatchError
	if !errors.As(err, &me) {
		t.Fatalf("err = %T %v, want a *source.MismatchError", err, err)
	}
	if *me != want {
		t.Errorf("mismatch %+v, want %+v", *me, want)
	}
	if me.ExitStatus() != 2 {
		t.Errorf("exit status %d, want 2", me.ExitStatus())
	}
}

// goldenFile is the golden file of case name of test: the whole text of
// an error as a person reads it.
func goldenFile(test, name string) string {
	slug := strings.NewReplacer(" ", "-", "/", "-", ":", "-").Replace(name)
	return filepath.Join("testdata", "golden", strings.ReplaceAll(test, " ", "-"), slug+".txt")
}
