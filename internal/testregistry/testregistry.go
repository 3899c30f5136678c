// Package testregistry starts a real OCI registry on loopback for tests:
// Debian's docker-registry (the CNCF distribution registry), with its own
// storage folder and, when asked, htpasswd basic auth. `go tool mage deps`
// unpacks the package into a cache folder without installing it (an
// installed docker-registry runs as a service on :5000); a test that needs
// it fails (never skips) without it.
package testregistry

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/wasmbuild"
)

// Binary returns the registry program of the Debian package
// docker-registry, unpacked by `go tool mage deps` into
// [wasmbuild.TestPackageDir].
func Binary() (string, error) {
	return wasmbuild.TestProgram("docker-registry", "usr/bin/docker-registry")
}

// The account a registry started by [StartAuth] accepts. Hash is User's
// bcrypt hash of Password (cost 4, the least bcrypt allows, so tests stay
// fast); the registry reads only bcrypt.
const (
	User     = "tester"
	Password = "wasmtasks-test-secret"
	hash     = "$2b$04$2pSsl8rH5mVYhHCahdL4..jgzKZE6aleisjtQP91UnJOxmrcSr89q"
)

// A Registry is a running docker-registry; the test's cleanup stops it.
type Registry struct {
	// Host is where it listens, "127.0.0.1:PORT": the registry part of a
	// reference such as Host+"/org/tool:1.0".
	Host string
	// User and Password are the basic-auth account, empty without auth.
	User, Password string

	dir  string // the registry's storage root
	cmd  *exec.Cmd
	done chan struct{}
}

// Start runs a registry without authentication on a free loopback port.
func Start(tb testing.TB) *Registry {
	return start(tb, false)
}

// StartAuth runs a registry that requires [User] and [Password] (HTTP basic
// auth from an htpasswd file) for every request.
func StartAuth(tb testing.TB) *Registry {
	r := start(tb, true)
	r.User, r.Password = User, Password
	return r
}

func start(tb testing.TB, withAuth bool) *Registry {
	tb.Helper()
	bin, err := Binary()
	if err != nil {
		tb.Fatalf("testregistry: %v", err)
	}
	dir := tb.TempDir()
	config := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(config, []byte(configYAML(dir, withAuth)), 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "htpasswd"), []byte(User+":"+hash+"\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", config)
	logs, err := cmd.StderrPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatalf("testregistry: start %s: %v", bin, err)
	}
	r := &Registry{dir: filepath.Join(dir, "data"), cmd: cmd, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		readLog(tb, logs, addr)
		cmd.Wait()
		close(r.done)
	}()
	tb.Cleanup(r.Stop)
	select {
	case r.Host = <-addr:
	case <-r.done:
		tb.Fatalf("testregistry: %s exited before it listened", bin)
	case <-time.After(30 * time.Second):
		tb.Fatalf("testregistry: %s did not listen within 30 s", bin)
	}
	r.waitReady(tb)
	return r
}

// configYAML is the registry's configuration: storage in dir, a port the
// kernel picks (the log line "listening on" says which), JSON logs.
func configYAML(dir string, withAuth bool) string {
	c := fmt.Sprintf(`version: 0.1
log:
  level: info
  formatter: json
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: 127.0.0.1:0
  secret: wasmtasks-test
`, filepath.Join(dir, "data"))
	if withAuth {
		c += fmt.Sprintf(`auth:
  htpasswd:
    realm: wasmtasks-test
    path: %s
`, filepath.Join(dir, "htpasswd"))
	}
	return c
}

// readLog passes the address of the "listening on ADDR" line to addr and
// the rest of the log to the test's log, until the registry exits.
func readLog(tb testing.TB, logs io.Reader, addr chan<- string) {
	sc := bufio.NewScanner(logs)
	for sc.Scan() {
		var line struct{ Msg string }
		if json.Unmarshal(sc.Bytes(), &line) == nil {
			if a, ok := strings.CutPrefix(line.Msg, "listening on "); ok {
				select {
				case addr <- a:
				default: // only the first address counts
				}
				continue
			}
		}
		if strings.Contains(sc.Text(), `"level":"error"`) {
			tb.Logf("docker-registry: %s", sc.Text())
		}
	}
}

// waitReady polls /v2/ until the registry answers (200, or 401 with auth).
func (r *Registry) waitReady(tb testing.TB) {
	tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + r.Host + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusUnauthorized {
				return
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("testregistry: /v2/ on %s did not answer within 30 s (last: %v)", r.Host, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Stop ends the registry and waits for it to exit; safe to call twice, so a
// test can stop it early to prove that something works offline.
func (r *Registry) Stop() {
	r.cmd.Process.Kill() // an error only says it had exited already
	<-r.done
}
