package tasks

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testcache"
	"github.com/wasmtasks/wasmtasks/remotecache"
)

// hostileCache is a tiny Bazel HTTP cache on loopback that plays the
// attacker where nginx cannot: it serves the action-cache entry ac for
// every key and the blobs it was given (404 for others), and records
// what the client sent.
type hostileCache struct {
	URL   string
	ac    []byte
	blobs map[string][]byte // by path: /cas/<sha256>

	mu     sync.Mutex
	auth   []string // Authorization headers received
	casGet int      // CAS GETs received
}

func startHostileCache(t *testing.T, ac *remotecache.ActionResult, blobs ...[]byte) *hostileCache {
	t.Helper()
	h := &hostileCache{blobs: map[string][]byte{}}
	for _, b := range blobs {
		h.blobs["/cas/"+remotecache.DigestOf(b).Hash] = b
	}
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
	case req.Method == http.MethodGet && cas && h.blobs[req.URL.Path] != nil:
		w.Write(h.blobs[req.URL.Path])
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

// TestRemoteTaskEntryConflicts proves an entry that names one path as a
// file and as a folder (out/a and out/a/b), one path twice, or a path
// longer than a system's path limit (5,000 nested folders) is refused
// before anything is written: before, out/a was restored and the entry
// then refused, and the task ran over the file the cache had chosen; and
// the 5,000 folders were made.
func TestRemoteTaskEntryConflicts(t *testing.T) {
	t.Setenv(envStoreKeyFile, "")
	evil, other := []byte("evil"), []byte("other")
	file := func(p string, b []byte) remotecache.OutputFile {
		return remotecache.OutputFile{Path: p, Digest: remotecache.DigestOf(b)}
	}
	for name, files := range map[string][]remotecache.OutputFile{
		"file and folder": {file("out/a", evil), file("out/a/b", other)},
		"twice":           {file("out/a", evil), file("out/a", other)},
		"deep":            {file("out/"+strings.Repeat("a/", 5000)+"f", evil)},
	} {
		srv := startHostileCache(t, &remotecache.ActionResult{OutputFiles: files}, evil, other)
		m := newMachine(t, genYAML(srv.URL))
		o := m.run(t, Options{}, nil, "gen")
		if o.status("gen") != Ran || strings.Count(o.stderr, "remote cache") != 1 {
			t.Errorf("%s: %v, stderr %q; want the entry refused with one warning and gen run", name, o.statuses(), o.stderr)
		}
		if _, err := os.Lstat(filepath.Join(m.dir, "out", "a")); err == nil {
			t.Errorf("%s: out/a was written from a refused entry", name)
		}
	}
}

// TestRemoteTaskDeepOutputNotShared proves a result that another machine
// would refuse (a file 300 folders deep) is not uploaded.
func TestRemoteTaskDeepOutputNotShared(t *testing.T) {
	t.Setenv(envStoreKeyFile, "")
	srv := testcache.Start(t)
	m := newMachine(t, genYAML(srv.URL))
	deep := filepath.Join(m.dir, "out", strings.Repeat("d/", 300))
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(deep, "f"), []byte("deep"), 0o644)
	if o := m.run(t, Options{}, nil, "gen"); o.status("gen") != Ran {
		t.Fatal(o.statuses())
	}
	if puts := srv.Requests(t, "PUT"); len(puts) != 0 {
		t.Fatalf("uploaded a result no machine would take: %q", puts)
	}
}
