package source

import (
	"strings"
	"testing"
)

var digest64 = "sha256:" + strings.Repeat("ab", 32)

// TestParseOCIRef pins the reference grammar that replaced oras-go's: the
// forms docker and oras accept for a pull, and the ones they refuse.
func TestParseOCIRef(t *testing.T) {
	good := map[string]ociRef{
		"ghcr.io/org/tool:1.0":                    {Registry: "ghcr.io", Repository: "org/tool", Tag: "1.0"},
		"localhost:5000/a/b/c:v1.2-rc_3":          {Registry: "localhost:5000", Repository: "a/b/c", Tag: "v1.2-rc_3"},
		"127.0.0.1:1/org/tool@" + digest64:        {Registry: "127.0.0.1:1", Repository: "org/tool", Digest: digest64},
		"r.io/org/tool:1@" + digest64:             {Registry: "r.io", Repository: "org/tool", Tag: "1", Digest: digest64},
		"r.io/my-org/tool.x__y---z:_latest":       {Registry: "r.io", Repository: "my-org/tool.x__y---z", Tag: "_latest"},
		"R-1.Example.COM/tool:1":                  {Registry: "R-1.Example.COM", Repository: "tool", Tag: "1"},
		strings.Repeat("a", 253) + ":5000/t:1":    {Registry: strings.Repeat("a", 253) + ":5000", Repository: "t", Tag: "1"},
		"r.io/t:" + strings.Repeat("x", 128):      {Registry: "r.io", Repository: "t", Tag: strings.Repeat("x", 128)},
		"r.io/" + strings.Repeat("a", 255) + ":1": {Registry: "r.io", Repository: strings.Repeat("a", 255), Tag: "1"},
		"docker.io/library/hello-world:latest":    {Registry: "docker.io", Repository: "library/hello-world", Tag: "latest"},
	}
	for s, want := range good {
		if got, err := parseOCIRef(s); err != nil || got != want {
			t.Errorf("parseOCIRef(%q) = %+v, %v; want %+v", s, got, err, want)
		}
	}
	for _, s := range []string{
		"", "tool:1.0", "/org/tool:1", "r.io/org/tool", "r.io/", "r.io/Org/tool:1", "r.io/org//tool:1", "r.io/org/tool/:1",
		"r.io/-org/tool:1", "r.io/org./tool:1", "r.io/org..x/tool:1", "r.io/org___x:1", "r.io/org/tool:",
		"r.io/org/tool:.1", "r.io/org/tool:-1", "r.io/org/tool:a b", "r.io/t:" + strings.Repeat("x", 129),
		"r.io/" + strings.Repeat("a", 256), "r.io/org/tool@sha256:abc", "r.io/org/tool@sha512:" + strings.Repeat("ab", 64),
		"r.io/org/tool@" + strings.ToUpper(digest64), "r.io/org/tool@" + digest64 + "@" + digest64,
		"r.io:/org/tool:1", "r.io:80a/org/tool:1", "r.io:123456/org/tool:1", "-r.io/org/tool:1", "r_io/org/tool:1",
		"[::1]:5000/org/tool:1", "user@r.io/org/tool:1", "r.io/org/tool:1?x", "r.io/org/tool:1#x",
		strings.Repeat("a", 254) + "/org/tool:1", "user:pw@r.io/org/tool:1", "r.io/org/tool:1\x00", "r.io/org/to\u00efl:1",
	} {
		if got, err := parseOCIRef(s); err == nil {
			t.Errorf("parseOCIRef(%q) = %+v, want an error", s, got)
		}
	}
}

// FuzzOCIRef: a reference that parses is exactly its parts put together
// again (nothing is dropped or read twice), and no part can smuggle a
// character into a request path or header.
func FuzzOCIRef(f *testing.F) {
	for _, s := range []string{"ghcr.io/org/tool:1.0", "127.0.0.1:1/a/b@" + digest64, "r.io/a.b__c--d:1@" + digest64} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := parseOCIRef(s)
		if err != nil {
			return
		}
		back := r.Registry + "/" + r.Repository
		if r.Tag != "" {
			back += ":" + r.Tag
		}
		if r.Digest != "" {
			back += "@" + r.Digest
		}
		if back != s {
			t.Fatalf("parseOCIRef(%q) = %+v, which reads back as %q", s, r, back)
		}
		if strings.ContainsAny(s, "?#%\\ \t\r\n") || strings.Contains(r.Repository, "..") {
			t.Fatalf("parseOCIRef(%q) accepted a character a request must not carry", s)
		}
	})
}

// TestDockerHubHint: an unreachable registry named by one word gets a hint
// that it was read as a host, as docker users expect Docker Hub there.
func TestDockerHubHint(t *testing.T) {
	for host, want := range map[string]bool{
		"myorg": true, "registry:5000": true,
		"ghcr.io": false, "r.example:443": false, "localhost:5000": false, "127.0.0.1:1": false, "localhost": false,
	} {
		hint := dockerHubHint(host)
		if got := strings.Contains(hint, "docker.io/"); got != want {
			t.Errorf("dockerHubHint(%q) = %q, want a hint: %t", host, hint, want)
		}
	}
}
