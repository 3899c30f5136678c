package tasks

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wasmtasks/wasmtasks/remotecache"
)

// hostileCache is a tiny Bazel HTTP cache on loopback that plays the
// attacker where nginx cannot: it serves the action-cache entry ac for
// every key, answers every CAS request with 404, and records what the
// client sent.
type hostileCache struct {
	URL string
	ac  []byte

	mu     sync.Mutex
	auth   []string // Authorization headers received
	casGet int      // CAS GETs received
}

func startHostileCache(t *testing.T, ac *remotecache.ActionResult) *hostileCache {
	t.Helper()
	h := &hostileCache{}
	if ac != nil {
		h.ac = ac.Marshal()
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	h.URL = "http://" + l.Addr().String()
	return h
}

func (h *hostileCache) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	h.mu.Lock()
	if a := req.Header.Get("Authorization"); a != "" {
		h.auth = append(h.auth, a)
	}
	cas := strings.HasPrefix(req.URL.Path, "/cas/")
	if cas && req.Method == http.MethodGet {
		h.casGet++
	}
	h.mu.Unlock()
	switch {
	case req.Method == http.MethodGet && !cas && h.ac != nil:
		w.Write(h.ac)
	case req.Method == http.MethodPut:
		w.WriteHeader(http.StatusCreated)
	default:
		http.NotFound(w, req)
	}
}

func (h *hostileCache) authorizations() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.auth...)
}

func (h *hostileCache) casRequests() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.casGet
}

// TestRemoteCacheCredentialsStayWithTheirHost proves a task file cannot
// lead the CI secret in $WASMTASKS_REMOTE_CACHE_CREDENTIALS to a server of
// its choosing (a pull request that changes remote_cache:): the secret
// goes only to a cache named where the secret is set (the environment or
// a flag), never to one the task file names.
func TestRemoteCacheCredentialsStayWithTheirHost(t *testing.T) {
	t.Setenv(envStoreKeyFile, "")
	t.Setenv(remotecache.EnvCredentials, "ci:the-secret")
	netrc := filepath.Join(t.TempDir(), "netrc")
	os.WriteFile(netrc, []byte("machine cache.example login dev password dev-secret\ndefault login any password any-secret\n"), 0o600)
	t.Setenv("NETRC", netrc)
	evil := startHostileCache(t, nil)
	m := newMachine(t, genYAML(evil.URL))
	m.run(t, Options{}, nil, "gen")
	if got := evil.authorizations(); len(got) != 0 {
		t.Fatalf("the task file's cache received the CI secret: %q", got)
	}
	t.Setenv(remotecache.EnvCredentials, "")
	newMachine(t, genYAML(evil.URL)).run(t, Options{}, nil, "gen")
	if got := evil.authorizations(); len(got) != 0 {
		t.Fatalf("the task file's cache received the netrc default account: %q", got)
	}
	// A netrc entry for the very host is the user's own choice for it.
	os.WriteFile(netrc, []byte("machine 127.0.0.1 login dev password dev-secret\n"), 0o600)
	newMachine(t, genYAML(evil.URL)).run(t, Options{}, nil, "gen")
	if len(evil.authorizations()) == 0 {
		t.Fatal("the netrc entry for the cache's host was not sent")
	}
	// Named outside the task file, the cache is the secret's own.
	t.Setenv(remotecache.EnvCredentials, "ci:the-secret")
	newMachine(t, genYAML(evil.URL)).run(t, Options{RemoteCache: evil.URL}, nil, "gen")
	if got := evil.authorizations(); got[len(got)-1] != "Basic Y2k6dGhlLXNlY3JldA==" {
		t.Fatalf("a cache named by the environment got %q, not the secret", got)
	}
}

// TestRemoteTaskEntryTooLarge proves an entry whose files add up to more
// than a result may hold (here three of 400 MiB, as a hostile server may
// name up to 100,000 of 1 GiB each, all held in memory before the first
// is written), or whose console output is more than a run records, is
// refused before any blob is asked for, and the task runs.
func TestRemoteTaskEntryTooLarge(t *testing.T) {
	t.Setenv(envStoreKeyFile, "")
	big := &remotecache.ActionResult{}
	for _, name := range []string{"a", "b", "c"} {
		d := remotecache.DigestOf([]byte(name))
		d.Size = 400 << 20
		big.OutputFiles = append(big.OutputFiles, remotecache.OutputFile{Path: "out/" + name, Digest: d})
	}
	loud := &remotecache.ActionResult{Stdout: remotecache.DigestOf([]byte("loud"))}
	loud.Stdout.Size = maxRecorded + 1
	for name, entry := range map[string]*remotecache.ActionResult{"files": big, "stdout": loud} {
		evil := startHostileCache(t, entry)
		m := newMachine(t, genYAML(evil.URL))
		o := m.run(t, Options{}, nil, "gen")
		if o.status("gen") != Ran || strings.Count(o.stderr, "remote cache") != 1 {
			t.Errorf("%s: %v, stderr %q; want the entry refused with one warning and gen run", name, o.statuses(), o.stderr)
		}
		if n := evil.casRequests(); n != 0 {
			t.Errorf("%s: %d blobs asked for; want the entry refused before any", name, n)
		}
	}
}
