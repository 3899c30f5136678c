package source_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wasmtasks/wasmtasks/internal/golden"
	"github.com/wasmtasks/wasmtasks/source"
)

// loopback serves h on loopback and returns its host:port.
func loopback(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// stall sends what it has, then sends nothing more until the client
// hangs up.
func stall(w http.ResponseWriter, r *http.Request, part []byte) {
	w.Write(part)
	w.(http.Flusher).Flush()
	<-r.Context().Done()
}

// TestOCIStalledServer: a registry or token service that stops sending
// (before its answer, or in the middle of a manifest or a layer) is given
// up on with a download error that says so, instead of holding the run
// for ever.
func TestOCIStalledServer(t *testing.T) {
	defer source.SetStallTimeout(300 * time.Millisecond)()
	prog := program(t, "probe")
	good := wasmManifest(prog, len(prog))
	registry := func(manifest, blob func(w http.ResponseWriter, r *http.Request)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.URL.Path, "/manifests/") {
				w.Header().Set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
				manifest(w, r)
				return
			}
			blob(w, r)
		}
	}
	serveManifest := func(w http.ResponseWriter, r *http.Request) { w.Write(good) }
	cases := map[string]http.HandlerFunc{
		"no answer":    registry(func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, nil),
		"manifest cut": registry(func(w http.ResponseWriter, r *http.Request) { stall(w, r, good[:len(good)/2]) }, nil),
		"layer cut":    registry(serveManifest, func(w http.ResponseWriter, r *http.Request) { stall(w, r, prog[:len(prog)/2]) }),
		"token service": func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/token" {
				<-r.Context().Done()
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="http://`+r.Host+`/token",service="s"`)
			w.WriteHeader(http.StatusUnauthorized)
		},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			host := loopback(t, h)
			ref := host + "/org/p:1.0"
			f := ociFetcher(t)
			_, _, err := f.Fetch(context.Background(), source.Spec{OCI: ref}, nil)
			wantError(t, err, source.ErrDownload, ref, 0)
			golden.CheckError(t, goldenFile("oci stalled", name), err, host, "HOST", digestOf(prog), "LAYER")
		})
	}
}

// TestOCIChallengeFromElsewhere: a 401 that comes from where the registry
// redirected to (a blob store, or whoever the redirect names) is not
// answered with the user's login for the registry: its token service
// never sees the account.
func TestOCIChallengeFromElsewhere(t *testing.T) {
	var sawLogin atomic.Bool
	var tokens string
	tokens = loopback(t, func(w http.ResponseWriter, r *http.Request) {
		if _, _, ok := r.BasicAuth(); ok {
			sawLogin.Store(true)
		}
		fmt.Fprint(w, `{"token":"t"}`)
	})
	elsewhere := loopback(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="http://`+tokens+`/token",service="s"`)
		w.WriteHeader(http.StatusUnauthorized)
	})
	// The registry is 127.0.0.1 and redirects to localhost, another host.
	elsewhere = strings.Replace(elsewhere, "127.0.0.1", "localhost", 1)
	host := loopback(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://"+elsewhere+r.URL.Path, http.StatusTemporaryRedirect)
	})
	ref := host + "/org/p:1.0"
	f := ociFetcher(t)
	auth := base64.StdEncoding.EncodeToString([]byte("ann:s3cret"))
	writeDockerConfig(t, `{"auths": {"`+host+`": {"auth": "`+auth+`"}}}`)
	_, _, err := f.Fetch(context.Background(), source.Spec{OCI: ref}, nil)
	wantError(t, err, source.ErrDownload, ref, http.StatusUnauthorized)
	if sawLogin.Load() {
		t.Error("the login for the registry went to a token service named by the host it redirected to")
	}
}

// TestOCISignedURLNotShown: a blob redirect to a signed URL (a token in
// its query, as S3 and GCS sign them) that then fails leaves no trace of
// the signature in the error, which ends up in CI logs.
func TestOCISignedURLNotShown(t *testing.T) {
	prog := program(t, "probe")
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close() // nothing listens there any more
	signed := gone.URL + "/blob?X-Amz-Credential=AKIAEXAMPLE&X-Amz-Signature=s3cr3t"
	host := loopback(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/manifests/") {
			w.Header().Set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
			w.Write(wasmManifest(prog, len(prog)))
			return
		}
		http.Redirect(w, r, signed, http.StatusTemporaryRedirect)
	})
	ref := host + "/org/p:1.0"
	_, _, err := ociFetcher(t).Fetch(context.Background(), source.Spec{OCI: ref}, nil)
	wantError(t, err, source.ErrDownload, ref, 0)
	golden.CheckError(t, goldenFile("oci signed url", "refused"), err, host, "HOST",
		strings.TrimPrefix(gone.URL, "http://"), "GONE", digestOf(prog), "LAYER")
}

// TestURLStalledServer: a url: download that stops in the middle is given
// up on like an OCI pull, not waited for without end.
func TestURLStalledServer(t *testing.T) {
	defer source.SetStallTimeout(300 * time.Millisecond)()
	prog := program(t, "probe")
	host := loopback(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(len(prog)))
		stall(w, r, prog[:len(prog)/2])
	})
	u := "http://" + host + "/p.wasm"
	_, _, err := ociFetcher(t).Fetch(context.Background(), source.Spec{URL: u, SHA256: sum(prog)}, nil)
	wantError(t, err, source.ErrDownload, u, http.StatusOK)
	golden.CheckError(t, goldenFile("url stalled", "body"), err, host, "HOST")
}

// TestOCIServerTextBounded: what a registry or token service says about
// itself (a challenge's realm, a media type, a digest header) appears in
// an error quoted and cut short, so it can neither fill a CI log with
// megabytes nor send escape sequences to the user's terminal.
func TestOCIServerTextBounded(t *testing.T) {
	prog := program(t, "probe")
	huge := strings.Repeat("a", 1<<20)
	escape := "\x1b]0;pwned\x07\x1b[2J"
	manifest := func(contentType string, body []byte, header ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			for i := 0; i < len(header); i += 2 {
				w.Header().Set(header[i], header[i+1])
			}
			w.Write(body)
		}
	}
	withConfig := func(mediaType string) []byte {
		return bytes.Replace(wasmManifest(prog, len(prog)), []byte(`"application/vnd.wasm.config.v0+json"`), jsonString(mediaType), 1)
	}
	good := wasmManifest(prog, len(prog))
	cases := map[string]http.HandlerFunc{
		"huge realm": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="`+huge+`"`)
			w.WriteHeader(http.StatusUnauthorized)
		},
		"huge content type":     manifest(huge, good),
		"huge digest header":    manifest("application/vnd.oci.image.manifest.v1+json", good, "Docker-Content-Digest", huge),
		"huge config type":      manifest("application/vnd.oci.image.manifest.v1+json", withConfig(huge)),
		"escape in config type": manifest("application/vnd.oci.image.manifest.v1+json", withConfig(escape)),
		"escape in media type": manifest("application/vnd.oci.image.manifest.v1+json",
			bytes.Replace(good, []byte(`"mediaType":"application/vnd.oci.image.manifest.v1+json"`), append([]byte(`"mediaType":`), jsonString(escape)...), 1)),
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			host := loopback(t, h)
			ref := host + "/org/p:1.0"
			_, _, err := ociFetcher(t).Fetch(context.Background(), source.Spec{OCI: ref}, nil)
			golden.CheckError(t, goldenFile("oci server text", name), err, host, "HOST", digestOf(good), "MANIFEST")
		})
	}
}

func jsonString(s string) []byte {
	b, _ := json.Marshal(s)
	return b
}

// TestOCITokenRedirect: a token service that redirects to another host
// (307 keeps a POST's body, so Go would send the identity token along
// although it drops the Authorization header there) is not followed with
// the user's login, neither the identity token nor the account.
func TestOCITokenRedirect(t *testing.T) {
	for name, login := range map[string]string{
		"identity token": `{"identitytoken": "refresh-7"}`,
		"account":        `{"auth": "` + base64.StdEncoding.EncodeToString([]byte("ann:s3cret")) + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			var leaked atomic.Bool
			elsewhere := loopback(t, func(w http.ResponseWriter, r *http.Request) {
				r.ParseForm()
				_, _, basic := r.BasicAuth()
				if basic || r.PostForm.Get("refresh_token") != "" {
					leaked.Store(true)
				}
				fmt.Fprint(w, `{"token":"t"}`)
			})
			elsewhere = strings.Replace(elsewhere, "127.0.0.1", "localhost", 1)
			tokens := loopback(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "http://"+elsewhere+"/token?"+r.URL.RawQuery, http.StatusTemporaryRedirect)
			})
			host := loopback(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="http://`+tokens+`/token",service="s"`)
				w.WriteHeader(http.StatusUnauthorized)
			})
			ref := host + "/org/p:1.0"
			f := ociFetcher(t)
			writeDockerConfig(t, `{"auths": {"`+host+`": `+login+`}}`)
			_, _, err := f.Fetch(context.Background(), source.Spec{OCI: ref}, nil)
			wantError(t, err, source.ErrDownload, ref, 0)
			if leaked.Load() {
				t.Error("the login followed the token service's redirect to another host")
			}
		})
	}
}

// tlsRegistry serves h over TLS under a name that is not loopback (so the
// client speaks https to it, as to any real registry) and returns that
// name and a client that reaches it and trusts its certificate; every
// other name is dialled as usual.
func tlsRegistry(t *testing.T, h http.HandlerFunc) (string, *http.Client) {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	const name = "registry.wasmtasks-test.invalid"
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.TLSClientConfig.ServerName = "example.com" // in httptest's certificate
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if strings.HasPrefix(addr, name+":") {
			addr = srv.Listener.Addr().String()
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	return name, &http.Client{Transport: tr}
}

// TestOCIHTTPSDowngrade: an https registry that redirects the layer, or
// names a token service, in plain HTTP (even on this machine, where
// another user may listen) gets neither the login nor the request.
func TestOCIHTTPSDowngrade(t *testing.T) {
	prog := program(t, "probe")
	var plainAsked atomic.Bool
	plain := loopback(t, func(w http.ResponseWriter, r *http.Request) {
		plainAsked.Store(true)
		fmt.Fprint(w, `{"token":"t"}`)
	})
	cases := map[string]http.HandlerFunc{
		"layer redirect": func(w http.ResponseWriter, r *http.Request) {
			if _, _, ok := r.BasicAuth(); !ok {
				w.Header().Set("WWW-Authenticate", `Basic realm="r"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			if strings.Contains(r.URL.Path, "/manifests/") {
				w.Header().Set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
				w.Write(wasmManifest(prog, len(prog)))
				return
			}
			http.Redirect(w, r, "http://"+plain+"/blob", http.StatusTemporaryRedirect)
		},
		"token service": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="http://`+plain+`/token",service="s"`)
			w.WriteHeader(http.StatusUnauthorized)
		},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			plainAsked.Store(false)
			host, client := tlsRegistry(t, h)
			ref := host + "/org/p:1.0"
			f := ociFetcher(t)
			f.HTTP = client
			auth := base64.StdEncoding.EncodeToString([]byte("ann:s3cret"))
			writeDockerConfig(t, `{"auths": {"`+host+`": {"auth": "`+auth+`"}}}`)
			_, _, err := f.Fetch(context.Background(), source.Spec{OCI: ref}, nil)
			wantError(t, err, source.ErrDownload, ref, 0)
			if plainAsked.Load() {
				t.Error("an https registry led the client to plain HTTP")
			}
		})
	}
}
