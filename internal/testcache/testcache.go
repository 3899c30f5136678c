// Package testcache starts a real Bazel HTTP remote cache on loopback for
// tests: Debian's nginx, built with http_dav_module, serving a temporary
// folder with `dav_methods PUT` and `create_full_put_path on` (the nginx
// setup Bazel's documentation gives for its HTTP cache). `go tool mage
// deps` unpacks the package into a cache folder without installing it
// (an installed nginx runs as a service on :80); a test that needs it
// fails (never skips) without it.
//
// Every request is written to an access log that tests read ([Cache.Log])
// to prove what a client did or did not do, such as a read-only client
// that never writes.
package testcache

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/syncbuf"
	"github.com/wasmtasks/wasmtasks/internal/wasmbuild"
)

// Binary returns the nginx program of the Debian package nginx, unpacked
// by `go tool mage deps` into [wasmbuild.TestPackageDir].
func Binary() (string, error) { return wasmbuild.TestProgram("nginx", "usr/sbin/nginx") }

// The account a cache started with [Options.Auth] accepts (HTTP basic
// auth).
const (
	User     = "tester"
	Password = "wasmtasks-cache-secret"
)

// Options choose how a cache behaves.
type Options struct {
	// Auth requires [User] and [Password] for every request.
	Auth bool
	// Status, if not zero, answers every request with this status (like
	// 503), as a broken cache or a proxy in front of one does.
	Status int
}

// A Cache is a running nginx; the test's cleanup stops it.
type Cache struct {
	// URL is the cache's root, "http://127.0.0.1:PORT/cache", the value
	// for remote_cache: (a prefix, as a shared server would give a team).
	URL string
	// Host is "127.0.0.1:PORT".
	Host string

	dir  string // prefix: config, logs, data
	cmd  *exec.Cmd
	done chan struct{}
}

// Start runs a cache on a free loopback port.
func Start(tb testing.TB) *Cache { return StartWith(tb, Options{}) }

// StartWith runs a cache with the given options on a free loopback port.
func StartWith(tb testing.TB, opts Options) *Cache {
	tb.Helper()
	bin, err := Binary()
	if err != nil {
		tb.Fatalf("testcache: %v", err)
	}
	dir := tb.TempDir()
	for _, sub := range []string{"data/cache", "tmp", "logs"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			tb.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "htpasswd"), []byte(User+":{PLAIN}"+Password+"\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	// The port is free when asked; another process may take it before
	// nginx binds it, so a failed start tries another.
	for attempt := 0; ; attempt++ {
		c, err := start(tb, bin, dir, opts)
		if err == nil {
			tb.Cleanup(c.Stop)
			return c
		}
		if attempt == 4 {
			tb.Fatalf("testcache: %v", err)
		}
	}
}

func start(tb testing.TB, bin, dir string, opts Options) (*Cache, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(config(dir, port, opts)), 0o600); err != nil {
		return nil, err
	}
	c := &Cache{Host: fmt.Sprintf("127.0.0.1:%d", port), dir: dir, done: make(chan struct{})}
	c.URL = "http://" + c.Host + "/cache"
	var logs syncbuf.Buffer
	c.cmd = exec.Command(bin, "-p", dir, "-c", conf, "-e", "stderr")
	c.cmd.Stderr = &logs
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		c.cmd.Wait()
		close(c.done)
	}()
	if err := c.waitReady(); err != nil {
		c.Stop()
		return nil, fmt.Errorf("%w\nnginx said:\n%s", err, logs.String())
	}
	return c, nil
}

// config is nginx's configuration: one process in the foreground, every
// file under dir, the cache's data under dir/data (served at /), and an
// access log of "METHOD URI STATUS" lines.
func config(dir string, port int, opts Options) string {
	var loc strings.Builder
	if opts.Status != 0 {
		fmt.Fprintf(&loc, "      return %d;\n", opts.Status)
	}
	if opts.Auth {
		fmt.Fprintf(&loc, "      auth_basic \"cache\";\n      auth_basic_user_file %s;\n", filepath.Join(dir, "htpasswd"))
	}
	tmp := filepath.Join(dir, "tmp")
	return fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log stderr warn;
events { worker_connections 256; }
http {
  log_format wasmtasks '$request_method $uri $status';
  access_log %[1]s/logs/access.log wasmtasks;
  client_body_temp_path %[2]s/body;
  proxy_temp_path %[2]s/proxy;
  fastcgi_temp_path %[2]s/fastcgi;
  uwsgi_temp_path %[2]s/uwsgi;
  scgi_temp_path %[2]s/scgi;
  client_max_body_size 0;
  server {
    listen 127.0.0.1:%[3]d;
    location / {
      root %[1]s/data;
      dav_methods PUT;
      create_full_put_path on;
      dav_access user:rw;
%[4]s    }
  }
}
`, dir, tmp, port, loc.String())
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// readyPath is what waitReady asks for; [Cache.Log] leaves it out.
const readyPath = "/testcache-ready"

// waitReady polls the server until it answers anything, or it exits.
func (c *Cache) waitReady() error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-c.done:
			return errors.New("nginx exited before it answered")
		default:
		}
		resp, err := http.Get("http://" + c.Host + readyPath)
		if err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nginx on %s did not answer within 30 s (last: %v)", c.Host, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop ends the server and waits for it to exit; safe to call twice, so a
// test can stop it mid-run to prove that a run goes on without it.
func (c *Cache) Stop() {
	c.cmd.Process.Kill() // an error only says it had exited already
	<-c.done
}

// Log returns the access log: one "METHOD URI STATUS" line per request so
// far, like "PUT /cache/cas/9f…e1 201".
func (c *Cache) Log(tb testing.TB) []string {
	tb.Helper()
	// nginx logs a request after answering it. It runs one process, so
	// once it answers this request it has logged every one it answered
	// before; a stopped server logged them all.
	if resp, err := http.Get("http://" + c.Host + readyPath); err == nil {
		resp.Body.Close()
	}
	b, err := os.ReadFile(filepath.Join(c.dir, "logs", "access.log"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		tb.Fatal(err)
	}
	var lines []string
	for l := range strings.SplitSeq(string(b), "\n") {
		if l != "" && !strings.Contains(l, " "+readyPath+" ") {
			lines = append(lines, l)
		}
	}
	return lines
}

// Requests returns the access log's lines whose method is method.
func (c *Cache) Requests(tb testing.TB, method string) []string {
	tb.Helper()
	var out []string
	for _, l := range c.Log(tb) {
		if strings.HasPrefix(l, method+" ") {
			out = append(out, l)
		}
	}
	return out
}

// Path returns where the server keeps the entry at rel ("ac/…" or
// "cas/…", relative to [Cache.URL]), for tests that damage it.
func (c *Cache) Path(rel string) string {
	return filepath.Join(c.dir, "data", "cache", filepath.FromSlash(rel))
}

// Entries returns the names, relative to [Cache.URL], of every entry the
// server holds, like "cas/9f…e1".
func (c *Cache) Entries(tb testing.TB) []string {
	tb.Helper()
	root := filepath.Join(c.dir, "data", "cache")
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}
