package testcache_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wasmtasks/wasmtasks/internal/testcache"
)

func put(t *testing.T, url, body string, auth bool) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, url, strings.NewReader(body))
	if auth {
		req.SetBasicAuth(testcache.User, testcache.Password)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestStartPutGet proves the helper runs a real WebDAV server that keeps
// what is PUT under a path whose folders it creates, logs each request,
// and stops.
func TestStartPutGet(t *testing.T) {
	c := testcache.Start(t)
	if code := put(t, c.URL+"/cas/abc", "hello", false); code != http.StatusCreated {
		t.Fatalf("PUT: %d, want 201", code)
	}
	resp, err := http.Get(c.URL + "/cas/abc")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "hello" {
		t.Fatalf("GET: %q, want hello", b)
	}
	if got := c.Requests(t, "PUT"); len(got) != 1 || got[0] != "PUT /cache/cas/abc 201" {
		t.Fatalf("access log PUTs: %q", got)
	}
	c.Stop()
	if _, err := http.Get(c.URL + "/cas/abc"); err == nil {
		t.Fatal("cache still answers after Stop")
	}
}

// TestAuth proves the basic-auth account works: a request without it is
// refused with 401, one with it succeeds.
func TestAuth(t *testing.T) {
	c := testcache.StartWith(t, testcache.Options{Auth: true})
	if code := put(t, c.URL+"/ac/x", "a", false); code != http.StatusUnauthorized {
		t.Fatalf("PUT without credentials: %d, want 401", code)
	}
	if code := put(t, c.URL+"/ac/x", "a", true); code != http.StatusCreated {
		t.Fatalf("PUT with credentials: %d, want 201", code)
	}
}

// TestStatus proves a cache can be made to fail every request.
func TestStatus(t *testing.T) {
	c := testcache.StartWith(t, testcache.Options{Status: http.StatusServiceUnavailable})
	if code := put(t, c.URL+"/ac/x", "a", false); code != http.StatusServiceUnavailable {
		t.Fatalf("PUT: %d, want 503", code)
	}
}
