package source_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testregistry"
	"github.com/wasmtasks/wasmtasks/source"
)

// hostile is a registry on loopback that answers every manifest request
// with manifest (served as an OCI image manifest, with the headers
// headers adds) and every blob request with blob; it counts the bytes it
// managed to send.
type hostile struct {
	manifest func(w http.ResponseWriter)
	blob     func(w http.ResponseWriter)
	sent     atomic.Int64
}

func (h *hostile) start(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &countingWriter{ResponseWriter: w, n: &h.sent}
		switch {
		case strings.Contains(r.URL.Path, "/manifests/"):
			w.Header().Set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
			h.manifest(cw)
		case strings.Contains(r.URL.Path, "/blobs/") && h.blob != nil:
			h.blob(cw)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n.Add(int64(n))
	return n, err
}

// wasmManifest is a CNCF wasm artifact manifest whose layer is program,
// with the size the manifest claims.
func wasmManifest(program []byte, size int) []byte {
	return []byte(fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",`+
		`"config":{"mediaType":"application/vnd.wasm.config.v0+json","digest":"sha256:%s","size":2},`+
		`"layers":[{"mediaType":"application/wasm","digest":"sha256:%s","size":%d}]}`,
		sum([]byte("{}")), sum(program), size))
}

func digestOf(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// TestOCIHostileRegistry: a registry that lies about a manifest's digest,
// sends one without end, or sends a layer longer than its manifest says
// is refused with the right kind of error, and nothing is kept.
func TestOCIHostileRegistry(t *testing.T) {
	prog := program(t, "probe")
	good := wasmManifest(prog, len(prog))
	endless := func(w http.ResponseWriter) {
		chunk := []byte(strings.Repeat(" ", 64<<10))
		for i := 0; i < 1<<12; i++ { // up to 256 MiB, unless the client hangs up
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
	cases := []struct {
		name     string
		target   func(host string) string
		manifest func(w http.ResponseWriter)
		blob     func(w http.ResponseWriter)
		kind     error
	}{
		{"other manifest than the digest asked for", func(h string) string { return h + "/org/p@" + digestOf([]byte("other")) },
			func(w http.ResponseWriter) { w.Write(good) }, nil, source.ErrDigest},
		{"Docker-Content-Digest lies", func(h string) string { return h + "/org/p:1.0" },
			func(w http.ResponseWriter) {
				w.Header().Set("Docker-Content-Digest", digestOf([]byte("other")))
				w.Write(good)
			}, nil, source.ErrDigest},
		{"huge manifest by its length", func(h string) string { return h + "/org/p:1.0" },
			func(w http.ResponseWriter) {
				w.Header().Set("Content-Length", fmt.Sprint(64<<20))
				endless(w)
			}, nil, source.ErrDownload},
		{"endless manifest", func(h string) string { return h + "/org/p:1.0" },
			func(w http.ResponseWriter) { w.Write(good[:len(good)-1]); endless(w) }, nil, source.ErrDownload},
		{"endless layer", func(h string) string { return h + "/org/p:1.0" },
			func(w http.ResponseWriter) { w.Write(good) },
			func(w http.ResponseWriter) { w.Write(prog); endless(w) }, source.ErrDownload},
		{"layer cut short", func(h string) string { return h + "/org/p:1.0" },
			func(w http.ResponseWriter) { w.Write(good) },
			func(w http.ResponseWriter) { w.Write(prog[:len(prog)/2]) }, source.ErrDownload},
		{"other layer bytes", func(h string) string { return h + "/org/p:1.0" },
			func(w http.ResponseWriter) { w.Write(good) },
			func(w http.ResponseWriter) {
				w.Write(append([]byte(nil), prog[:len(prog)-1]...))
				w.Write([]byte{^prog[len(prog)-1]})
			}, source.ErrDigest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := &hostile{manifest: c.manifest, blob: c.blob}
			ref := c.target(h.start(t))
			f := ociFetcher(t)
			_, _, err := f.Fetch(context.Background(), source.Spec{OCI: ref}, nil)
			wantError(t, err, c.kind, ref, 0)
			if left, _ := filepath.Glob(filepath.Join(f.Dir, "programs", "*", "*")); len(left) > 0 {
				t.Errorf("refused artifact left files in the store: %v", left)
			}
			if n := h.sent.Load(); n > 32<<20 {
				t.Errorf("the client read %d bytes of an endless answer", n)
			}
		})
	}
}

// tokenService puts a Bearer-token front on a real registry, as Docker
// Hub and most hosted registries have: a request without the token gets
// a 401 whose challenge names the token service, which hands out the
// token for the account (GET with basic auth) or for the identity token
// (POST, OAuth2 refresh).
type tokenService struct {
	user, password, refresh string
	realm                   string // when set, the challenge names this realm instead
	tokens                  atomic.Int32
}

const bearerToken = "pull-token-42"

func (ts *tokenService) start(t *testing.T, reg *testregistry.Registry) string {
	target, _ := url.Parse("http://" + reg.Host)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var host string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			ts.token(w, r)
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+bearerToken {
			realm := ts.realm
			if realm == "" {
				realm = "http://" + host + "/token"
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="`+realm+`",service="test \"registry\"",scope="repository:org/probe:pull"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		r.Header.Del("Authorization")
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	host = strings.TrimPrefix(srv.URL, "http://")
	return host
}

func (ts *tokenService) token(w http.ResponseWriter, r *http.Request) {
	user, pass, basic := r.BasicAuth()
	r.ParseForm()
	ok := r.Form.Get("service") == `test "registry"` && r.Form.Get("scope") == "repository:org/probe:pull"
	switch r.Method {
	case http.MethodGet:
		ok = ok && basic && user == ts.user && pass == ts.password
	case http.MethodPost:
		ok = ok && r.PostForm.Get("grant_type") == "refresh_token" && r.PostForm.Get("refresh_token") == ts.refresh
	}
	if !ok {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	ts.tokens.Add(1)
	fmt.Fprintf(w, `{"token":%q}`, bearerToken)
}

// writeDockerConfig writes config.json into the test's $DOCKER_CONFIG.
func writeDockerConfig(t *testing.T, config string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(os.Getenv("DOCKER_CONFIG"), "config.json"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestOCIBearerToken: behind a token service the program is fetched with
// a token bought with the docker config's account or identity token, one
// token for the manifest and the layer; without a login the 401 says to
// log in; a token service that is not https (and not loopback) is never
// sent the login.
func TestOCIBearerToken(t *testing.T) {
	reg := testregistry.Start(t)
	prog := program(t, "probe")
	m := reg.PushWasm(t, "org/probe:1.0", prog)
	ts := &tokenService{user: "ann", password: "s3cret", refresh: "refresh-7"}
	host := ts.start(t, reg)
	ref := host + "/org/probe:1.0"

	t.Run("account", func(t *testing.T) {
		f := ociFetcher(t)
		auth := base64.StdEncoding.EncodeToString([]byte("ann:s3cret"))
		writeDockerConfig(t, `{"auths": {"http://`+host+`/v1/": {"auth": "`+auth+`"}}}`)
		before := ts.tokens.Load()
		fetchOCI(t, f, ref, nil, m, prog)
		if n := ts.tokens.Load() - before; n != 1 {
			t.Errorf("%d tokens asked for, want 1 for the manifest and the layer", n)
		}
	})
	t.Run("identity token", func(t *testing.T) {
		f := ociFetcher(t)
		writeDockerConfig(t, `{"auths": {"`+host+`": {"identitytoken": "refresh-7"}}}`)
		fetchOCI(t, f, ref, nil, m, prog)
	})
	t.Run("no login", func(t *testing.T) {
		_, _, err := ociFetcher(t).Fetch(context.Background(), source.Spec{OCI: ref}, nil)
		wantError(t, err, source.ErrDownload, ref, http.StatusUnauthorized)
	})
	t.Run("wrong password", func(t *testing.T) {
		f := ociFetcher(t)
		auth := base64.StdEncoding.EncodeToString([]byte("ann:wrong"))
		writeDockerConfig(t, `{"auths": {"`+host+`": {"auth": "`+auth+`"}}}`)
		_, _, err := f.Fetch(context.Background(), source.Spec{OCI: ref}, nil)
		wantError(t, err, source.ErrDownload, ref, http.StatusUnauthorized)
	})
	t.Run("plain http token service", func(t *testing.T) {
		var asked atomic.Bool
		elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { asked.Store(true) }))
		defer elsewhere.Close()
		plain := &tokenService{user: "ann", password: "s3cret", realm: "http://tokens.wasmtasks-test.invalid/token"}
		ref := plain.start(t, reg) + "/org/probe:1.0"
		f := ociFetcher(t)
		// The token service's name leads to a server of the test's.
		dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
			if strings.HasPrefix(addr, "tokens.wasmtasks-test.invalid:") {
				addr = strings.TrimPrefix(elsewhere.URL, "http://")
			}
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}
		f.HTTP = &http.Client{Transport: &http.Transport{DialContext: dial}}
		auth := base64.StdEncoding.EncodeToString([]byte("ann:s3cret"))
		writeDockerConfig(t, `{"auths": {"`+strings.TrimSuffix(ref, "/org/probe:1.0")+`": {"auth": "`+auth+`"}}}`)
		_, _, err := f.Fetch(context.Background(), source.Spec{OCI: ref}, nil)
		wantError(t, err, source.ErrDownload, ref, 0)
		if asked.Load() {
			t.Error("the login was sent to a plain-http token service")
		}
	})
}

// TestOCICredentialHelper: a login kept by a docker credential helper
// (credsStore, or credHelpers for one registry) is asked for with the
// helper protocol; a helper that has none leaves the 401.
func TestOCICredentialHelper(t *testing.T) {
	reg := testregistry.StartAuth(t)
	prog := program(t, "probe")
	ref := reg.Host + "/org/private:1.0"
	m := reg.PushWasm(t, "org/private:1.0", prog)
	bin := t.TempDir()
	helper := fmt.Sprintf(`#!/bin/sh
read server
if [ "$1" = get ] && [ "$server" = %q ]; then
  printf '{"ServerURL":"%%s","Username":%q,"Secret":%q}' "$server"
else
  echo "credentials not found in native keychain"; exit 1
fi
`, reg.Host, reg.User, reg.Password)
	if err := os.WriteFile(filepath.Join(bin, "docker-credential-wttest"), []byte(helper), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	for name, config := range map[string]string{
		"credsStore":  `{"credsStore": "wttest"}`,
		"credHelpers": `{"credHelpers": {"` + reg.Host + `": "wttest"}, "auths": {"` + reg.Host + `": {"auth": "bm9wZTpub3Bl"}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			f := ociFetcher(t)
			writeDockerConfig(t, config)
			fetchOCI(t, f, ref, nil, m, prog)
		})
	}
	t.Run("helper warns on stderr", func(t *testing.T) {
		// Helpers built on pass or gpg print warnings to stderr; the
		// answer is stdout alone, as docker reads it.
		warns := "#!/bin/sh\necho 'gpg: WARNING: unsafe permissions' >&2\nexec docker-credential-wttest \"$@\"\n"
		if err := os.WriteFile(filepath.Join(bin, "docker-credential-wtwarn"), []byte(warns), 0o755); err != nil {
			t.Fatal(err)
		}
		f := ociFetcher(t)
		writeDockerConfig(t, `{"credsStore": "wtwarn"}`)
		fetchOCI(t, f, ref, nil, m, prog)
	})
	t.Run("helper has none", func(t *testing.T) {
		f := ociFetcher(t)
		writeDockerConfig(t, `{"credsStore": "wttest"}`)
		other := strings.Replace(ref, "127.0.0.1", "localhost", 1)
		_, _, err := f.Fetch(context.Background(), source.Spec{OCI: other}, nil)
		wantError(t, err, source.ErrDownload, other, http.StatusUnauthorized)
	})
	t.Run("helper is a path", func(t *testing.T) {
		// docker-credential-x/../evil would run ./evil of the current folder.
		dir := t.TempDir()
		t.Chdir(dir)
		os.Mkdir("docker-credential-x", 0o755)
		evil := "#!/bin/sh\ntouch ran\n" + `printf '{"Username":%q,"Secret":%q}'` + "\n"
		if err := os.WriteFile("evil", []byte(fmt.Sprintf(evil, reg.User, reg.Password)), 0o755); err != nil {
			t.Fatal(err)
		}
		f := ociFetcher(t)
		writeDockerConfig(t, `{"credsStore": "x/../evil"}`)
		_, _, err := f.Fetch(context.Background(), source.Spec{OCI: ref}, nil)
		wantError(t, err, source.ErrDownload, ref, 0)
		if _, err := os.Stat(filepath.Join(dir, "ran")); err == nil {
			t.Error("a credential helper named by a path was run")
		}
	})
}
