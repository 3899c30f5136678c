package testregistry_test

import (
	"net/http"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testregistry"
)

// TestStartPush proves the helper runs a real registry that stores what is
// pushed: the manifest comes back by tag with the digest Push returned.
func TestStartPush(t *testing.T) {
	r := testregistry.Start(t)
	d := r.PushWasm(t, "org/tool:1.0", []byte("\x00asm\x01\x00\x00\x00"))
	req, _ := http.NewRequest(http.MethodHead, "http://"+r.Host+"/v2/org/tool/manifests/1.0", nil)
	req.Header.Set("Accept", "application/vnd.oci.image.manifest.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Docker-Content-Digest") != d {
		t.Fatalf("HEAD manifest: %s, digest %q; want 200 and %s", resp.Status, resp.Header.Get("Docker-Content-Digest"), d)
	}
	r.Stop()
	if _, err := http.Get("http://" + r.Host + "/v2/"); err == nil {
		t.Fatal("registry still answers after Stop")
	}
}

// TestStartAuth proves the htpasswd account works: a request without it is
// refused with 401, a push with it succeeds.
func TestStartAuth(t *testing.T) {
	r := testregistry.StartAuth(t)
	resp, err := http.Get("http://" + r.Host + "/v2/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("GET /v2/ without credentials: %s, want 401", resp.Status)
	}
	r.PushWasm(t, "org/tool:1.0", []byte("\x00asm\x01\x00\x00\x00"))
}
