package remotecache_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/golden"
	"github.com/wasmtasks/wasmtasks/internal/syncbuf"
	"github.com/wasmtasks/wasmtasks/internal/testcache"
	"github.com/wasmtasks/wasmtasks/remotecache"
)

// newClient makes a client of url whose warnings go to the returned
// buffer.
func newClient(t *testing.T, url string, readOnly bool) (*remotecache.Client, *syncbuf.Buffer) {
	t.Helper()
	var log syncbuf.Buffer
	c, err := remotecache.New(remotecache.Config{URL: url, ReadOnly: readOnly, Timeout: 2 * time.Second,
		Logger: slog.New(slog.NewTextHandler(&log, nil)), Netrc: os.DevNull})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(time.Second) })
	return c, &log
}

// key is an action-cache key made from a word.
func key(word string) string { return remotecache.DigestOf([]byte(word)).Hash }

// warnings counts the warning lines a client logged.
func warnings(log *syncbuf.Buffer) int { return strings.Count(log.String(), "level=WARN") }

// store uploads one output file and its result through a fresh client
// and waits for it: what another machine wrote earlier.
func store(t *testing.T, url, k string, content []byte) *remotecache.ActionResult {
	t.Helper()
	w, log := newClient(t, url, false)
	r := &remotecache.ActionResult{ExitCode: 3, OutputFiles: []remotecache.OutputFile{
		{Path: "out/a.txt", Digest: remotecache.DigestOf(content), Executable: true}}}
	w.Upload(k, r, content)
	if n := w.Close(time.Minute); n != 0 || w.Faults() != 0 {
		t.Fatalf("upload: %d abandoned, %d faults: %s", n, w.Faults(), log)
	}
	return r
}

// TestRoundTrip proves what one client uploads, blobs first and the
// action-cache entry last, another reads back from a real nginx WebDAV
// cache, checked.
func TestRoundTrip(t *testing.T) {
	srv := testcache.Start(t)
	content := []byte("hello, cache\n")
	want := store(t, srv.URL, key("a"), content)
	if got := srv.Requests(t, "PUT"); len(got) != 2 || !strings.Contains(got[0], "/cas/") || !strings.Contains(got[1], "/ac/") {
		t.Fatalf("PUTs: %q; want the blob, then the entry", got)
	}
	r, log := newClient(t, srv.URL, true)
	got, ok := r.ActionResult(context.Background(), key("a"))
	if !ok || !reflect.DeepEqual(got, want) {
		t.Fatalf("ActionResult: %+v, %v; want %+v", got, ok, want)
	}
	b, ok := r.Blob(context.Background(), got.OutputFiles[0].Digest)
	if !ok || !bytes.Equal(b, content) {
		t.Fatalf("Blob: %q, %v", b, ok)
	}
	if _, ok := r.ActionResult(context.Background(), key("other")); ok || warnings(log) != 0 {
		t.Fatalf("a missing entry: hit %v, warnings %q; want a quiet miss", ok, log)
	}
}

// TestCorruptBlob proves a blob whose bytes do not match its name is
// refused with one warning.
func TestCorruptBlob(t *testing.T) {
	srv := testcache.Start(t)
	content := []byte("the real content")
	r := store(t, srv.URL, key("a"), content)
	d := r.OutputFiles[0].Digest
	for _, bad := range [][]byte{[]byte("the fake content"), []byte("short"), append(bytes.Clone(content), '!')} {
		if err := os.WriteFile(srv.Path("cas/"+d.Hash), bad, 0o600); err != nil {
			t.Fatal(err)
		}
		c, log := newClient(t, srv.URL, true)
		if b, ok := c.Blob(context.Background(), d); ok {
			t.Fatalf("Blob of damaged %q: %q, a hit", bad, b)
		}
		if warnings(log) != 1 || !strings.Contains(log.String(), "refused") && !strings.Contains(log.String(), "expected") {
			t.Fatalf("warnings: %q", log)
		}
	}
}

// TestGarbageEntry proves an action-cache entry that is not an
// ActionResult is a miss with a warning.
func TestGarbageEntry(t *testing.T) {
	srv := testcache.Start(t)
	store(t, srv.URL, key("a"), []byte("x"))
	if err := os.WriteFile(srv.Path("ac/"+key("a")), []byte("<html>not protobuf</html>"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, log := newClient(t, srv.URL, true)
	if _, ok := c.ActionResult(context.Background(), key("a")); ok || warnings(log) != 1 {
		t.Fatalf("garbage entry: hit %v, log %q", ok, log)
	}
}

// TestReadOnlyNeverWrites proves a read-only client sends only GETs: the
// server's access log has no other method.
func TestReadOnlyNeverWrites(t *testing.T) {
	srv := testcache.Start(t)
	c, _ := newClient(t, srv.URL, true)
	c.ActionResult(context.Background(), key("a"))
	c.Upload(key("a"), &remotecache.ActionResult{}, []byte("blob"))
	c.Close(time.Minute)
	log := srv.Log(t)
	if len(log) != 1 || !strings.HasPrefix(log[0], "GET ") {
		t.Fatalf("access log: %q; want one GET", log)
	}
}

// TestServerDown proves a stopped server is a miss with one warning, and
// that the client then stops asking.
func TestServerDown(t *testing.T) {
	srv := testcache.Start(t)
	store(t, srv.URL, key("a"), []byte("x"))
	c, log := newClient(t, srv.URL, false)
	if _, ok := c.ActionResult(context.Background(), key("a")); !ok {
		t.Fatal("a miss while the server runs")
	}
	srv.Stop()
	for range 3 {
		if _, ok := c.ActionResult(context.Background(), key("a")); ok {
			t.Fatal("a hit from a stopped server")
		}
		c.Upload(key("b"), &remotecache.ActionResult{}, []byte("y"))
	}
	c.Close(time.Minute)
	if warnings(log) != 1 || c.Faults() != 1 {
		t.Fatalf("%d faults, log %q; want one fault and one warning", c.Faults(), log)
	}
}

// TestServerErrors proves a server that answers 5xx (or refuses the
// account) is a miss, and uploads to it fail quietly after one warning.
func TestServerErrors(t *testing.T) {
	for _, opts := range []testcache.Options{{Status: 503}, {Status: 500}, {Auth: true}} {
		srv := testcache.StartWith(t, opts)
		c, log := newClient(t, srv.URL, false)
		if _, ok := c.ActionResult(context.Background(), key("a")); ok {
			t.Fatalf("%+v: a hit", opts)
		}
		c.Upload(key("b"), &remotecache.ActionResult{}, []byte("y"))
		c.Close(time.Minute)
		if warnings(log) != 1 {
			t.Fatalf("%+v: log %q; want one warning", opts, log)
		}
	}
}

// TestCredentials proves the account in $WASMTASKS_REMOTE_CACHE_CREDENTIALS,
// or in a netrc file, is sent.
func TestCredentials(t *testing.T) {
	srv := testcache.StartWith(t, testcache.Options{Auth: true})
	netrc := t.TempDir() + "/netrc"
	text := "machine example.org login x password y\nmachine 127.0.0.1\n  login " + testcache.User + "\n  password " + testcache.Password + "\n"
	if err := os.WriteFile(netrc, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []struct {
		env, netrc string
	}{{testcache.User + ":" + testcache.Password, os.DevNull}, {"", netrc}} {
		t.Setenv(remotecache.EnvCredentials, cfg.env)
		var log syncbuf.Buffer
		c, err := remotecache.New(remotecache.Config{URL: srv.URL, Netrc: cfg.netrc, Logger: slog.New(slog.NewTextHandler(&log, nil))})
		if err != nil {
			t.Fatal(err)
		}
		c.Upload(key(cfg.env), &remotecache.ActionResult{}, []byte("x"))
		c.Close(time.Minute)
		t.Setenv(remotecache.EnvCredentials, "")
		r, _ := newClient(t, srv.URL, true)
		if _, ok := r.ActionResult(context.Background(), key(cfg.env)); ok {
			t.Fatalf("%+v: a hit without credentials", cfg)
		}
		t.Setenv(remotecache.EnvCredentials, cfg.env)
		c, err = remotecache.New(remotecache.Config{URL: srv.URL, Netrc: cfg.netrc, Logger: slog.New(slog.NewTextHandler(&log, nil))})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := c.ActionResult(context.Background(), key(cfg.env)); !ok || c.Faults() != 0 {
			t.Fatalf("%+v: no hit; log %q", cfg, log.String())
		}
	}
}

// TestSlowServer proves a server that accepts and never answers costs at
// most the request timeout, and is then a miss with one warning; an
// upload to it does not block the caller, and Close gives up on it.
func TestSlowServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			held = append(held, c) // read nothing, answer nothing
		}
	}()
	var log syncbuf.Buffer
	c, err := remotecache.New(remotecache.Config{URL: "http://" + l.Addr().String(), Timeout: 200 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&log, nil)), Netrc: os.DevNull})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.ActionResult(context.Background(), key("a")); ok {
		t.Fatal("a hit from a silent server")
	}
	c2, err := remotecache.New(remotecache.Config{URL: "http://" + l.Addr().String(), Timeout: time.Hour, Netrc: os.DevNull,
		Logger: slog.New(slog.NewTextHandler(&log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	c2.Upload(key("a"), &remotecache.ActionResult{}, []byte("x")) // returns: the test would hang otherwise
	if n := c2.Close(100 * time.Millisecond); n != 1 {
		t.Fatalf("Close abandoned %d uploads, want 1", n)
	}
	if warnings(&log) != 2 {
		t.Fatalf("log %q; want one warning from each client", log.String())
	}
}

// TestParseURL proves what a cache URL may be.
func TestParseURL(t *testing.T) {
	for raw, want := range map[string]string{
		"http://127.0.0.1:9090":           "http://127.0.0.1:9090",
		"https://cache.example/team/":     "https://cache.example/team",
		"http://cache.example:8080/a/b//": "http://cache.example:8080/a/b",
	} {
		if got, err := remotecache.ParseURL(raw); err != nil || got != want {
			t.Errorf("ParseURL(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
	var msgs strings.Builder
	for _, raw := range []string{"", "cache.example", "ftp://cache.example", "grpc://cache.example:9092",
		"https://user:secret@cache.example", "https://cache.example/?x=1", "http:///path", "https://cache.example/#f",
		"http://127.0.0.1:99999", "http://cache.example:0/", "http://:8080/team", "http://[::1]:65536"} {
		got, err := remotecache.ParseURL(raw)
		if !errors.Is(err, remotecache.ErrBadURL) {
			t.Errorf("ParseURL(%q) = %q, %v; want ErrBadURL", raw, got, err)
			continue
		}
		fmt.Fprintf(&msgs, "%q: %v\n", raw, err)
	}
	// The messages say what is wrong, and never repeat a password.
	golden.Check(t, filepath.Join("testdata", "parseurl.golden"), []byte(msgs.String()))
}

// TestSlowBlobs proves a server that answers each request just within
// the timeout cannot hold a caller for a timeout per blob: the blobs of
// one result share one deadline (the timeout, plus a second per MiB they
// hold), so three blobs that each take 0.6 of the timeout are a fault,
// with one warning, and the client asks no more.
func TestSlowBlobs(t *testing.T) {
	const timeout = time.Second
	blobs := map[string][]byte{}
	var ds []remotecache.Digest
	for _, w := range []string{"a", "b", "c"} {
		d := remotecache.DigestOf([]byte(w))
		blobs["/cas/"+d.Hash] = []byte(w)
		ds = append(ds, d)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		time.Sleep(timeout * 6 / 10)
		w.Write(blobs[req.URL.Path])
	})}
	go srv.Serve(l)
	defer srv.Close()
	var log syncbuf.Buffer
	c, err := remotecache.New(remotecache.Config{URL: "http://" + l.Addr().String(), Timeout: timeout,
		Logger: slog.New(slog.NewTextHandler(&log, nil)), Netrc: os.DevNull})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Blobs(context.Background(), ds); ok {
		t.Fatal("three blobs fetched in 1.8 timeouts; want a fault once one timeout has passed")
	}
	if warnings(&log) != 1 {
		t.Fatalf("log %q; want one warning", log.String())
	}
	if _, ok := c.Blob(context.Background(), ds[0]); ok {
		t.Fatal("asked again after the server was too slow")
	}
}

// TestCredentialsWithheldSaySo proves that an account which is found but
// not sent, because the cache is plain http to another machine, is one
// warning when the client starts: the server's 401 alone gave no hint
// why the account in $WASMTASKS_REMOTE_CACHE_CREDENTIALS did not count.
func TestCredentialsWithheldSaySo(t *testing.T) {
	for _, c := range []struct {
		url, env string
		want     int
	}{
		{"http://cache.invalid:8080/team", "ci:secret", 1},
		{"https://cache.invalid/team", "ci:secret", 0},
		{"http://127.0.0.1:1/team", "ci:secret", 0},
		{"http://cache.invalid:8080/team", "", 0},
	} {
		t.Setenv(remotecache.EnvCredentials, c.env)
		var log syncbuf.Buffer
		cl, err := remotecache.New(remotecache.Config{URL: c.url, Netrc: os.DevNull, Logger: slog.New(slog.NewTextHandler(&log, nil))})
		if err != nil {
			t.Fatal(err)
		}
		cl.Close(time.Second)
		if warnings(&log) != c.want {
			t.Errorf("%s with %q: log %q; want %d warnings", c.url, c.env, log.String(), c.want)
		}
	}
}
